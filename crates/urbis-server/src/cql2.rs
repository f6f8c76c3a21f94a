//! CQL2 (OGC 21-065) in its text and JSON encodings, to the store's [`Filter`].
//!
//! Supported: comparisons (`= <> < <= > >=`), `AND`/`OR`/`NOT`, `LIKE`, `IN`, `BETWEEN`,
//! `IS [NOT] NULL`, `TRUE`/`FALSE`, `DATE('…')`/`TIMESTAMP('…')` literals, and
//! `S_INTERSECTS(geometry, …)` with a `POINT`, `POLYGON`, `MULTIPOLYGON` or `BBOX(…)` literal
//! (GeoJSON objects or `{"bbox": […]}` in CQL2 JSON). Geometry literals are converted to the
//! collection's native CRS by the caller's function. A comparison must set a property against
//! a literal; anything else is an error with a message, never a guess.

use serde_json::Value;
use urbis_store::{CmpOp, Filter, Literal, Property, Region};

/// Converts a point of a filter's CRS to the native CRS.
pub type ToNative<'a> = &'a dyn Fn([f64; 2]) -> Option<[f64; 2]>;

/// Parses CQL2 text.
///
/// ```
/// use urbis_server::cql2::parse_text;
/// let f = parse_text("height > 10 AND name LIKE 'A%'", &|p| Some(p)).unwrap();
/// assert!(matches!(f, urbis_store::Filter::And(_)));
/// assert!(parse_text("height >", &|p| Some(p)).is_err());
/// ```
pub fn parse_text(text: &str, to_native: ToNative) -> Result<Filter, String> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        at: 0,
        to_native,
        depth: 0,
    };
    let f = p.or()?;
    if p.at < p.tokens.len() {
        return Err(format!(
            "unexpected {} after the end of the expression",
            p.tokens[p.at].describe()
        ));
    }
    Ok(f)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Word(w) => format!("'{w}'"),
            Token::Quoted(w) => format!("\"{w}\""),
            Token::Str(s) => format!("string '{s}'"),
            Token::Num(n) => format!("number {n}"),
            Token::Op(o) => format!("'{o}'"),
            Token::Open => "'('".into(),
            Token::Close => "')'".into(),
            Token::Comma => "','".into(),
        }
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self, Token::Word(x) if x.eq_ignore_ascii_case(w))
    }
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1
            }
            ')' => {
                out.push(Token::Close);
                i += 1
            }
            ',' => {
                out.push(Token::Comma);
                i += 1
            }
            '\'' | '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unterminated {c}quoted{c} text")),
                        Some(&q) if q == c => {
                            if chars.get(i + 1) == Some(&c) {
                                s.push(c);
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(&x) => {
                            s.push(x);
                            i += 1
                        }
                    }
                }
                out.push(if c == '\'' {
                    Token::Str(s)
                } else {
                    Token::Quoted(s)
                });
            }
            '=' => {
                out.push(Token::Op("="));
                i += 1
            }
            '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let op = match (c, next) {
                    ('<', Some('>')) => "<>",
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', _) => "<",
                    _ => ">",
                };
                i += op.len();
                out.push(Token::Op(op));
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || matches!(chars[i], '.' | 'e' | 'E')
                        || (matches!(chars[i], '-' | '+') && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                let n = s
                    .parse::<f64>()
                    .map_err(|_| format!("'{s}' is not a number"))?;
                out.push(Token::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | ':' | '.'))
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    to_native: ToNative<'a>,
    /// Parentheses and NOTs open around the current token.
    depth: usize,
}

/// How deeply CQL2 expressions may nest (parentheses, NOT, AND/OR in JSON). Deeper filters
/// are refused with a 400: the parser, the SQL translation and dropping the tree all recurse.
pub const MAX_NESTING: usize = 64;

fn too_deep() -> String {
    format!("the filter nests more than {MAX_NESTING} levels deep (parentheses, NOT, AND/OR); simplify it")
}

/// One side of a predicate.
#[derive(Debug, Clone)]
enum Scalar {
    Prop(Property),
    Lit(Literal),
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }
    fn next(&mut self) -> Result<Token, String> {
        let t = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or("the expression ends too early")?;
        self.at += 1;
        Ok(t)
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_word(w)) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: Token) -> Result<(), String> {
        if self.at >= self.tokens.len() {
            return Err(format!(
                "expected {}, but the expression ends",
                t.describe()
            ));
        }
        let got = self.next()?;
        if got == t {
            Ok(())
        } else {
            Err(format!(
                "expected {}, found {}",
                t.describe(),
                got.describe()
            ))
        }
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut parts = vec![self.and()?];
        while self.eat_word("OR") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut parts = vec![self.not()?];
        while self.eat_word("AND") {
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::And(parts)
        })
    }

    /// Runs `inner` one nesting level deeper, refusing past [`MAX_NESTING`].
    fn nested<T>(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        if self.depth >= MAX_NESTING {
            return Err(too_deep());
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn not(&mut self) -> Result<Filter, String> {
        if self.eat_word("NOT") {
            return self.nested(|p| Ok(Filter::Not(Box::new(p.not()?))));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, String> {
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let f = self.nested(|p| p.or())?;
            self.expect(Token::Close)?;
            return Ok(f);
        }
        if self.peek().is_some_and(|t| t.is_word("S_INTERSECTS")) {
            self.at += 1;
            self.expect(Token::Open)?;
            let a = self.spatial_arg()?;
            self.expect(Token::Comma)?;
            let b = self.spatial_arg()?;
            self.expect(Token::Close)?;
            return match (a, b) {
                (None, Some(r)) | (Some(r), None) => Ok(Filter::Intersects(r)),
                _ => {
                    Err("S_INTERSECTS needs the geometry property and one geometry literal".into())
                }
            };
        }
        let left = self.scalar()?;
        let negated = self.eat_word("NOT");
        let f = if self.eat_word("LIKE") {
            let prop = as_prop(&left, "LIKE")?;
            match self.scalar()? {
                Scalar::Lit(Literal::Text(p)) => Filter::Like(prop, p),
                _ => return Err("LIKE needs a quoted pattern".into()),
            }
        } else if self.eat_word("BETWEEN") {
            let prop = as_prop(&left, "BETWEEN")?;
            let lo = as_lit(self.scalar()?, "BETWEEN")?;
            if !self.eat_word("AND") {
                return Err("BETWEEN needs AND between its bounds".into());
            }
            let hi = as_lit(self.scalar()?, "BETWEEN")?;
            Filter::Between(prop, lo, hi)
        } else if self.eat_word("IN") {
            let prop = as_prop(&left, "IN")?;
            self.expect(Token::Open)?;
            let mut values = vec![as_lit(self.scalar()?, "IN")?];
            while self.peek() == Some(&Token::Comma) {
                self.at += 1;
                values.push(as_lit(self.scalar()?, "IN")?);
            }
            self.expect(Token::Close)?;
            Filter::In(prop, values)
        } else if !negated && self.eat_word("IS") {
            let not_null = self.eat_word("NOT");
            if !self.eat_word("NULL") {
                return Err("IS must be followed by [NOT] NULL".into());
            }
            let f = Filter::IsNull(as_prop(&left, "IS NULL")?);
            return Ok(if not_null {
                Filter::Not(Box::new(f))
            } else {
                f
            });
        } else if negated {
            return Err("NOT here must be followed by LIKE, BETWEEN or IN".into());
        } else {
            match self.peek().cloned() {
                Some(Token::Op(op)) => {
                    self.at += 1;
                    let right = self.scalar()?;
                    return compare(left, op, right);
                }
                None => match left {
                    Scalar::Lit(Literal::Bool(b)) => return Ok(Filter::Const(b)),
                    _ => return Err("the expression ends too early: expected an operator".into()),
                },
                Some(t) => match left {
                    Scalar::Lit(Literal::Bool(b)) => {
                        let _ = t;
                        return Ok(Filter::Const(b));
                    }
                    _ => return Err(format!("expected an operator, found {}", t.describe())),
                },
            }
        };
        Ok(if negated { Filter::Not(Box::new(f)) } else { f })
    }

    fn scalar(&mut self) -> Result<Scalar, String> {
        match self.next()? {
            Token::Str(s) => Ok(Scalar::Lit(Literal::Text(s))),
            Token::Num(n) => Ok(Scalar::Lit(Literal::Number(n))),
            Token::Quoted(q) => Ok(Scalar::Prop(Property::named(&q))),
            Token::Word(w) if w.eq_ignore_ascii_case("TRUE") => {
                Ok(Scalar::Lit(Literal::Bool(true)))
            }
            Token::Word(w) if w.eq_ignore_ascii_case("FALSE") => {
                Ok(Scalar::Lit(Literal::Bool(false)))
            }
            Token::Word(w)
                if w.eq_ignore_ascii_case("DATE") || w.eq_ignore_ascii_case("TIMESTAMP") =>
            {
                self.expect(Token::Open)?;
                let s = match self.next()? {
                    Token::Str(s) => s,
                    t => return Err(format!("{w} needs a quoted value, found {}", t.describe())),
                };
                self.expect(Token::Close)?;
                Ok(Scalar::Lit(Literal::Text(s)))
            }
            Token::Word(w) => {
                if self.peek() == Some(&Token::Open) {
                    return Err(format!("function {w}() is not supported"));
                }
                Ok(Scalar::Prop(Property::named(&w)))
            }
            t => Err(format!(
                "expected a property or a value, found {}",
                t.describe()
            )),
        }
    }

    /// `None` for the geometry property, a region for a literal.
    fn spatial_arg(&mut self) -> Result<Option<Region>, String> {
        let t = self.next()?;
        let word = match &t {
            Token::Word(w) | Token::Quoted(w) => w.clone(),
            other => return Err(format!("expected a geometry, found {}", other.describe())),
        };
        let upper = word.to_ascii_uppercase();
        match upper.as_str() {
            "POINT" => {
                self.expect(Token::Open)?;
                let p = self.coordinate()?;
                self.expect(Token::Close)?;
                Ok(Some(self.region(vec![vec![p]])?))
            }
            "POLYGON" => {
                let rings = self.rings()?;
                Ok(Some(self.region(rings)?))
            }
            "MULTIPOLYGON" => {
                self.expect(Token::Open)?;
                let mut all = self.rings()?;
                while self.peek() == Some(&Token::Comma) {
                    self.at += 1;
                    all.extend(self.rings()?);
                }
                self.expect(Token::Close)?;
                // Every ring becomes an exterior: a coarse but never narrower region.
                let hull: Vec<[f64; 2]> = all.into_iter().flatten().collect();
                Ok(Some(
                    self.region(vec![urbis_geom::footprint::convex_hull(hull)])?,
                ))
            }
            "BBOX" => {
                self.expect(Token::Open)?;
                let mut v = vec![self.number()?];
                while self.peek() == Some(&Token::Comma) {
                    self.at += 1;
                    v.push(self.number()?);
                }
                self.expect(Token::Close)?;
                let (x0, y0, x1, y1) = match v.as_slice() {
                    [a, b, c, d] => (*a, *b, *c, *d),
                    [a, b, _, d, e, _] => (*a, *b, *d, *e),
                    _ => return Err("BBOX needs 4 or 6 numbers".into()),
                };
                Ok(Some(self.region(vec![vec![
                    [x0, y0],
                    [x1, y0],
                    [x1, y1],
                    [x0, y1],
                    [x0, y0],
                ]])?))
            }
            _ if matches!(t, Token::Word(_) | Token::Quoted(_)) => Ok(None),
            _ => Err(format!("unexpected {}", t.describe())),
        }
    }

    fn number(&mut self) -> Result<f64, String> {
        match self.next()? {
            Token::Num(n) => Ok(n),
            t => Err(format!("expected a number, found {}", t.describe())),
        }
    }

    fn coordinate(&mut self) -> Result<[f64; 2], String> {
        let x = self.number()?;
        let y = self.number()?;
        if let Some(Token::Num(_)) = self.peek() {
            self.at += 1; // z is ignored: regions are 2D
        }
        Ok([x, y])
    }

    fn rings(&mut self) -> Result<Vec<Vec<[f64; 2]>>, String> {
        self.expect(Token::Open)?;
        let mut rings = Vec::new();
        loop {
            self.expect(Token::Open)?;
            let mut ring = vec![self.coordinate()?];
            while self.peek() == Some(&Token::Comma) {
                self.at += 1;
                ring.push(self.coordinate()?);
            }
            self.expect(Token::Close)?;
            rings.push(ring);
            if self.peek() == Some(&Token::Comma) {
                self.at += 1;
            } else {
                break;
            }
        }
        self.expect(Token::Close)?;
        Ok(rings)
    }

    fn region(&self, rings: Vec<Vec<[f64; 2]>>) -> Result<Region, String> {
        to_region(rings, self.to_native)
    }
}

fn to_region(rings: Vec<Vec<[f64; 2]>>, to_native: ToNative) -> Result<Region, String> {
    let converted: Option<Vec<Vec<[f64; 2]>>> = rings
        .into_iter()
        .map(|r| r.into_iter().map(to_native).collect())
        .collect();
    let converted =
        converted.ok_or("a geometry coordinate cannot be converted to the collection's CRS")?;
    if converted
        .iter()
        .flatten()
        .any(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return Err("a geometry coordinate is not a finite number".into());
    }
    Ok(Region::polygon(converted))
}

fn as_prop(s: &Scalar, what: &str) -> Result<Property, String> {
    match s {
        Scalar::Prop(p) => Ok(p.clone()),
        Scalar::Lit(_) => Err(format!("{what} needs a property on its left")),
    }
}

fn as_lit(s: Scalar, what: &str) -> Result<Literal, String> {
    match s {
        Scalar::Lit(l) => Ok(l),
        Scalar::Prop(_) => Err(format!("{what} needs literal values")),
    }
}

fn compare(left: Scalar, op: &str, right: Scalar) -> Result<Filter, String> {
    let op = match op {
        "=" => CmpOp::Eq,
        "<>" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        other => return Err(format!("unknown operator {other}")),
    };
    let flip = |op| match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    };
    match (left, right) {
        (Scalar::Prop(p), Scalar::Lit(l)) => Ok(Filter::Compare(p, op, l)),
        (Scalar::Lit(l), Scalar::Prop(p)) => Ok(Filter::Compare(p, flip(op), l)),
        _ => Err("a comparison needs one property and one literal value".into()),
    }
}

/// Parses CQL2 JSON.
///
/// ```
/// use urbis_server::cql2::parse_json;
/// let f = parse_json(r#"{"op":"=","args":[{"property":"function"},"office"]}"#, &|p| Some(p)).unwrap();
/// assert!(matches!(f, urbis_store::Filter::Compare(..)));
/// ```
pub fn parse_json(text: &str, to_native: ToNative) -> Result<Filter, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    json_filter(&v, to_native)
}

fn json_filter(v: &Value, to_native: ToNative) -> Result<Filter, String> {
    json_filter_at(v, to_native, 0)
}

fn json_filter_at(v: &Value, to_native: ToNative, depth: usize) -> Result<Filter, String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    if let Some(b) = v.as_bool() {
        return Ok(Filter::Const(b));
    }
    let op = v
        .get("op")
        .and_then(Value::as_str)
        .ok_or("a CQL2 JSON expression needs \"op\"")?
        .to_ascii_lowercase();
    let args = v
        .get("args")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("\"{op}\" needs \"args\""))?;
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("\"{op}\" takes {n} arguments, not {}", args.len()))
        }
    };
    match op.as_str() {
        "and" | "or" => {
            if args.len() < 2 {
                return Err(format!("\"{op}\" needs at least two arguments"));
            }
            let parts = args
                .iter()
                .map(|a| json_filter_at(a, to_native, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if op == "and" {
                Filter::And(parts)
            } else {
                Filter::Or(parts)
            })
        }
        "not" => {
            arity(1)?;
            Ok(Filter::Not(Box::new(json_filter_at(
                &args[0],
                to_native,
                depth + 1,
            )?)))
        }
        "=" | "<>" | "<" | "<=" | ">" | ">=" => {
            arity(2)?;
            compare(
                json_scalar(&args[0])?,
                op_static(&op),
                json_scalar(&args[1])?,
            )
        }
        "like" => {
            arity(2)?;
            let p = as_prop(&json_scalar(&args[0])?, "like")?;
            match json_scalar(&args[1])? {
                Scalar::Lit(Literal::Text(t)) => Ok(Filter::Like(p, t)),
                _ => Err("like needs a string pattern".into()),
            }
        }
        "between" => {
            arity(3)?;
            let p = as_prop(&json_scalar(&args[0])?, "between")?;
            Ok(Filter::Between(
                p,
                as_lit(json_scalar(&args[1])?, "between")?,
                as_lit(json_scalar(&args[2])?, "between")?,
            ))
        }
        "in" => {
            arity(2)?;
            let p = as_prop(&json_scalar(&args[0])?, "in")?;
            let list = args[1].as_array().ok_or("in needs a list of values")?;
            let values = list
                .iter()
                .map(|x| json_scalar(x).and_then(|s| as_lit(s, "in")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Filter::In(p, values))
        }
        "isnull" => {
            arity(1)?;
            Ok(Filter::IsNull(as_prop(&json_scalar(&args[0])?, "isNull")?))
        }
        "s_intersects" => {
            arity(2)?;
            let a = json_geometry(&args[0], to_native)?;
            let b = json_geometry(&args[1], to_native)?;
            match (a, b) {
                (None, Some(r)) | (Some(r), None) => Ok(Filter::Intersects(r)),
                _ => Err("s_intersects needs the geometry property and one geometry".into()),
            }
        }
        other => Err(format!("operator \"{other}\" is not supported")),
    }
}

fn op_static(op: &str) -> &'static str {
    match op {
        "=" => "=",
        "<>" => "<>",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        _ => ">=",
    }
}

fn json_scalar(v: &Value) -> Result<Scalar, String> {
    match v {
        Value::String(s) => Ok(Scalar::Lit(Literal::Text(s.clone()))),
        Value::Number(n) => Ok(Scalar::Lit(Literal::Number(n.as_f64().unwrap_or(f64::NAN)))),
        Value::Bool(b) => Ok(Scalar::Lit(Literal::Bool(*b))),
        Value::Object(o) => {
            if let Some(p) = o.get("property").and_then(Value::as_str) {
                return Ok(Scalar::Prop(Property::named(p)));
            }
            for k in ["date", "timestamp"] {
                if let Some(t) = o.get(k).and_then(Value::as_str) {
                    return Ok(Scalar::Lit(Literal::Text(t.to_string())));
                }
            }
            Err(format!("unsupported value {v}"))
        }
        other => Err(format!("unsupported value {other}")),
    }
}

fn json_geometry(v: &Value, to_native: ToNative) -> Result<Option<Region>, String> {
    if v.get("property").is_some() {
        return Ok(None);
    }
    let pair = |c: &Value| -> Result<[f64; 2], String> {
        let a = c.as_array().ok_or("a coordinate must be an array")?;
        match (
            a.first().and_then(Value::as_f64),
            a.get(1).and_then(Value::as_f64),
        ) {
            (Some(x), Some(y)) => Ok([x, y]),
            _ => Err("a coordinate needs two numbers".into()),
        }
    };
    let ring = |r: &Value| -> Result<Vec<[f64; 2]>, String> {
        r.as_array()
            .ok_or("a ring must be an array")?
            .iter()
            .map(pair)
            .collect()
    };
    if let Some(b) = v.get("bbox").and_then(Value::as_array) {
        let n: Vec<f64> = b.iter().filter_map(Value::as_f64).collect();
        let (x0, y0, x1, y1) = match n.as_slice() {
            [a, b, c, d] => (*a, *b, *c, *d),
            [a, b, _, d, e, _] => (*a, *b, *d, *e),
            _ => return Err("bbox needs 4 or 6 numbers".into()),
        };
        return to_region(
            vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
            to_native,
        )
        .map(Some);
    }
    let coords = v.get("coordinates").ok_or("unsupported geometry")?;
    let rings = match v.get("type").and_then(Value::as_str) {
        Some("Point") => vec![vec![pair(coords)?]],
        Some("Polygon") => coords
            .as_array()
            .ok_or("Polygon coordinates must be an array")?
            .iter()
            .map(ring)
            .collect::<Result<_, _>>()?,
        Some("MultiPolygon") => {
            let mut hull = Vec::new();
            for p in coords
                .as_array()
                .ok_or("MultiPolygon coordinates must be an array")?
            {
                for r in p.as_array().ok_or("a polygon must be an array")? {
                    hull.extend(ring(r)?);
                }
            }
            vec![urbis_geom::footprint::convex_hull(hull)]
        }
        other => return Err(format!("geometry type {other:?} is not supported")),
    };
    to_region(rings, to_native).map(Some)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn t(s: &str) -> Result<Filter, String> {
        parse_text(s, &|p| Some(p))
    }

    #[test]
    fn text_operators() {
        assert_eq!(
            t("a = 'x'").unwrap(),
            Filter::Compare(Property::named("a"), CmpOp::Eq, Literal::Text("x".into()))
        );
        assert_eq!(
            t("3 < h").unwrap(),
            Filter::Compare(Property::named("h"), CmpOp::Gt, Literal::Number(3.0))
        );
        assert!(matches!(t("a NOT LIKE 'x%'").unwrap(), Filter::Not(_)));
        assert!(matches!(
            t("h BETWEEN 1 AND 2").unwrap(),
            Filter::Between(..)
        ));
        assert!(matches!(t("id IN ('a', 'b')").unwrap(), Filter::In(_, v) if v.len() == 2));
        assert!(matches!(t("a IS NOT NULL").unwrap(), Filter::Not(_)));
        assert!(
            matches!(t("(a = 1 OR b = 2) AND NOT c = 3").unwrap(), Filter::And(v) if v.len() == 2)
        );
        assert!(matches!(
            t("S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))").unwrap(),
            Filter::Intersects(_)
        ));
        assert!(matches!(
            t("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))").unwrap(),
            Filter::Intersects(_)
        ));
        assert!(matches!(
            t("d > DATE('2020-01-01')").unwrap(),
            Filter::Compare(..)
        ));
        assert_eq!(t("TRUE").unwrap(), Filter::Const(true));
        assert_eq!(
            t("\"odd name\" = 'it''s'").unwrap(),
            Filter::Compare(
                Property::named("odd name"),
                CmpOp::Eq,
                Literal::Text("it's".into())
            )
        );
    }

    #[test]
    fn malformed_text_is_an_error_with_a_message() {
        for bad in [
            "",
            "a =",
            "a = = 1",
            "(a = 1",
            "a = 'x",
            "a LIKE 3",
            "a BETWEEN 1 2",
            "S_INTERSECTS(geometry, geometry)",
            "f(a) = 1",
            "a = b",
            "a ~ 1",
            "1 = 1",
            "BBOX(1,2,3)",
        ] {
            let e = t(bad).expect_err(bad);
            assert!(!e.is_empty(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let parens = format!("{}a = 1{}", "(".repeat(3000), ")".repeat(3000));
        let nots = format!("{}a = 1", "NOT ".repeat(3000));
        for text in [parens, nots] {
            let e = t(&text).unwrap_err();
            assert!(e.contains("nests more than 64"), "{e}");
        }
        // Exactly at the limit still parses.
        let ok = format!(
            "{}a = 1{}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(t(&ok).is_ok());
        let leaf = r#"{"op":"=","args":[{"property":"a"},1]}"#;
        for depth in [MAX_NESTING + 1, 120, 5000] {
            let json = format!(
                "{}{leaf}{}",
                r#"{"op":"not","args":["#.repeat(depth),
                "]}".repeat(depth)
            );
            let e = parse_json(&json, &|p| Some(p)).unwrap_err();
            assert!(
                e.contains("nests more than") || e.contains("recursion limit"),
                "{depth}: {e}"
            );
        }
    }

    #[test]
    fn json_operators() {
        let j = |s: &str| parse_json(s, &|p| Some(p));
        assert!(matches!(
            j(r#"{"op":"and","args":[{"op":">","args":[{"property":"h"},3]},{"op":"isNull","args":[{"property":"x"}]}]}"#).unwrap(),
            Filter::And(_)
        ));
        assert!(matches!(
            j(r#"{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}"#).unwrap(),
            Filter::Intersects(_)
        ));
        assert!(matches!(
            j(r#"{"op":"in","args":[{"property":"id"},["a","b"]]}"#).unwrap(),
            Filter::In(..)
        ));
        assert!(j(r#"{"op":"=","args":[1]}"#).is_err());
        assert!(j(r#"{"op":"frobnicate","args":[]}"#).is_err());
        assert!(j("not json").is_err());
    }
}

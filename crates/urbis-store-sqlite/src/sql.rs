//! Queries to SQL. Every value is a bound parameter; property names become JSON paths that are
//! bound too, and names that could not be written as a quoted JSON path key are refused, so no
//! input ever becomes SQL text.

use rusqlite::types::Value;
use urbis_store::{Fields, Filter, Literal, Property, Query, Region, Result, StoreError};

/// A WHERE clause under construction.
pub struct Sql {
    /// The SQL text.
    pub text: String,
    /// Its parameters, in order.
    pub params: Vec<Value>,
}

/// The columns each `Fields` loads, in the order `item_from_row` reads them.
pub fn columns(fields: Fields) -> &'static str {
    match fields {
        Fields::Summary => "f.id, f.type, f.properties, f.footprint, f.minx, f.miny, f.minz, f.maxx, f.maxy, f.maxz, f.minlon, f.minlat, f.maxlon, f.maxlat, NULL",
        Fields::SummaryNative => "f.id, f.type, f.properties, f.footprint_native, f.minx, f.miny, f.minz, f.maxx, f.maxy, f.maxz, f.minlon, f.minlat, f.maxlon, f.maxlat, NULL",
        Fields::Body => "f.id, f.type, '', NULL, f.minx, f.miny, f.minz, f.maxx, f.maxy, f.maxz, f.minlon, f.minlat, f.maxlon, f.maxlat, f.body",
    }
}

/// The SELECT for a query on collection `cid` (LIMIT/OFFSET left to the caller).
pub fn select(cid: i64, q: &Query) -> Result<Sql> {
    let mut sql = Sql {
        text: String::with_capacity(512),
        params: Vec::new(),
    };
    // The R*Tree drives the search when there is a box to search with: its entries are 32-bit
    // floats rounded outwards, so the exact test on the features' own columns follows.
    let region = q.filter.as_ref().and_then(|f| {
        let regions = f.required_regions();
        regions.first().map(|r| r.bbox)
    });
    let rtree_box = match (q.bbox, region) {
        (Some(b), _) => Some(b),
        (None, Some(r)) => Some([r[0], r[1], f64::NEG_INFINITY, r[2], r[3], f64::INFINITY]),
        (None, None) => None,
    };
    sql.text.push_str("SELECT ");
    sql.text.push_str(columns(q.fields));
    if let Some(b) = rtree_box {
        sql.text.push_str(
            " FROM features_rtree r CROSS JOIN features f ON f.fid = r.fid WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?",
        );
        sql.params.extend([b[3], b[0], b[4], b[1]].map(Value::Real));
        if b[2].is_finite() || b[5].is_finite() {
            sql.text.push_str(" AND r.minz <= ? AND r.maxz >= ?");
            sql.params
                .extend([b[5], b[2]].map(|v| Value::Real(v.clamp(-1e38, 1e38))));
        }
        sql.text.push_str(" AND f.cid = ?");
    } else {
        sql.text.push_str(" FROM features f WHERE f.cid = ?");
    }
    sql.params.push(Value::Integer(cid));
    if let Some(b) = q.bbox {
        sql.text
            .push_str(" AND f.minx <= ? AND f.maxx >= ? AND f.miny <= ? AND f.maxy >= ?");
        sql.params.extend([b[3], b[0], b[4], b[1]].map(Value::Real));
        if b[2].is_finite() || b[5].is_finite() {
            sql.text.push_str(" AND f.minz <= ? AND f.maxz >= ?");
            sql.params
                .extend([b[5], b[2]].map(|v| Value::Real(v.clamp(-1e300, 1e300))));
        }
    }
    if let Some(b) = q.lonlat {
        sql.text
            .push_str(" AND f.minlon <= ? AND f.maxlon >= ? AND f.minlat <= ? AND f.maxlat >= ?");
        sql.params.extend([b[2], b[0], b[3], b[1]].map(Value::Real));
    }
    if !q.types.is_empty() {
        sql.text.push_str(" AND f.type IN (");
        for (i, t) in q.types.iter().enumerate() {
            sql.text.push_str(if i == 0 { "?" } else { ",?" });
            sql.params.push(Value::Text(t.clone()));
        }
        sql.text.push(')');
    }
    if let Some([start, end]) = &q.datetime {
        sql.text
            .push_str(" AND (f.dt_start IS NOT NULL OR f.dt_end IS NOT NULL)");
        if let Some(e) = end {
            sql.text
                .push_str(" AND (f.dt_start IS NULL OR f.dt_start <= ?)");
            sql.params.push(Value::Text(e.clone()));
        }
        if let Some(s) = start {
            sql.text
                .push_str(" AND (f.dt_end IS NULL OR f.dt_end >= ?)");
            sql.params.push(Value::Text(s.clone()));
        }
    }
    if let Some(f) = &q.filter {
        sql.text.push_str(" AND ");
        filter(&mut sql, f)?;
    }
    // Without a box, features come in the order they were stored. With one, in the spatial
    // index's order (stable while the collection does not change), so that a page of a
    // large box stops after `limit` matches instead of sorting them all.
    if rtree_box.is_none() {
        sql.text.push_str(" ORDER BY f.fid");
    }
    Ok(sql)
}

fn property(sql: &mut Sql, p: &Property) -> Result<()> {
    match p {
        Property::Id => sql.text.push_str("f.id"),
        Property::Type => sql.text.push_str("f.type"),
        Property::Attribute(name) => {
            if name.is_empty()
                || name
                    .chars()
                    .any(|c| c == '"' || c == '\\' || c.is_control())
            {
                return Err(StoreError::BadQuery(format!(
                    "property name {name:?} cannot be queried (quotes, backslashes and control characters are not allowed)"
                )));
            }
            sql.text.push_str("json_extract(f.properties, ?)");
            sql.params.push(Value::Text(format!("$.\"{name}\"")));
        }
    }
    Ok(())
}

fn literal(sql: &mut Sql, l: &Literal) {
    sql.text.push('?');
    sql.params.push(match l {
        Literal::Text(s) => Value::Text(s.clone()),
        Literal::Number(n) => Value::Real(*n),
        Literal::Bool(b) => Value::Integer(i64::from(*b)),
    });
}

fn region(sql: &mut Sql, r: &Region) -> Result<()> {
    let b = r.bbox;
    sql.text
        .push_str("(f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?");
    sql.params.extend([b[0], b[2], b[1], b[3]].map(Value::Real));
    if let Some(p) = &r.polygon {
        let json = serde_json::to_string(p)
            .map_err(|e| StoreError::BadQuery(format!("region polygon: {e}")))?;
        sql.text
            .push_str(" AND urbis_intersects(f.footprint_native, ?)");
        sql.params.push(Value::Text(json));
    }
    sql.text.push(')');
    Ok(())
}

fn filter(sql: &mut Sql, f: &Filter) -> Result<()> {
    match f {
        Filter::And(all) | Filter::Or(all) => {
            let joiner = if matches!(f, Filter::And(_)) {
                " AND "
            } else {
                " OR "
            };
            if all.is_empty() {
                sql.text.push_str(if matches!(f, Filter::And(_)) {
                    "1"
                } else {
                    "0"
                });
                return Ok(());
            }
            sql.text.push('(');
            for (i, g) in all.iter().enumerate() {
                if i > 0 {
                    sql.text.push_str(joiner);
                }
                filter(sql, g)?;
            }
            sql.text.push(')');
        }
        Filter::Not(g) => {
            sql.text.push_str("NOT (");
            filter(sql, g)?;
            sql.text.push(')');
        }
        Filter::Compare(p, op, l) => {
            sql.text.push('(');
            property(sql, p)?;
            sql.text.push(' ');
            sql.text.push_str(op.sql());
            sql.text.push(' ');
            literal(sql, l);
            sql.text.push(')');
        }
        Filter::Like(p, pattern) => {
            sql.text.push('(');
            property(sql, p)?;
            sql.text.push_str(" LIKE ? ESCAPE '\\')");
            sql.params.push(Value::Text(pattern.clone()));
        }
        Filter::In(p, values) => {
            if values.is_empty() {
                sql.text.push('0');
                return Ok(());
            }
            sql.text.push('(');
            property(sql, p)?;
            sql.text.push_str(" IN (");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    sql.text.push(',');
                }
                literal(sql, v);
            }
            sql.text.push_str("))");
        }
        Filter::Between(p, lo, hi) => {
            sql.text.push('(');
            property(sql, p)?;
            sql.text.push_str(" BETWEEN ");
            literal(sql, lo);
            sql.text.push_str(" AND ");
            literal(sql, hi);
            sql.text.push(')');
        }
        Filter::IsNull(p) => {
            sql.text.push('(');
            property(sql, p)?;
            sql.text.push_str(" IS NULL)");
        }
        Filter::Intersects(r) => region(sql, r)?,
        Filter::Const(b) => sql.text.push(if *b { '1' } else { '0' }),
    }
    Ok(())
}

/// Reads a GeoJSON Polygon/MultiPolygon's polygons (for the exact intersection test).
pub fn footprint_polygons(geojson: &str) -> Option<Vec<Vec<Vec<[f64; 2]>>>> {
    let v: serde_json::Value = serde_json::from_str(geojson).ok()?;
    let coords = v.get("coordinates")?;
    match v.get("type")?.as_str()? {
        "Polygon" => Some(vec![serde_json::from_value(coords.clone()).ok()?]),
        "MultiPolygon" => serde_json::from_value(coords.clone()).ok(),
        _ => None,
    }
}

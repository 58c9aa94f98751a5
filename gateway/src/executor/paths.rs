//! Subgraph error paths are in data coordinates (data keys, which may be internal aliases);
//! clients need response keys. The translation walks the response shape alongside the data.

use serde_json::Value;

use crate::error::PathSegment;
use crate::planner::shape::SelectionShape;

/// The client path for a data path. Stops at the first segment no client field maps to
/// (a key or `@requires` input the planner added), so the error lands on the nearest field
/// the client asked for.
pub(crate) fn to_client_path(
    root: &SelectionShape,
    data: &Value,
    data_path: &[PathSegment],
) -> Vec<PathSegment> {
    let mut out = Vec::with_capacity(data_path.len());
    let mut shape = Some(root);
    let mut value = Some(data);
    let mut segments = data_path.iter().peekable();
    while let Some(segment) = segments.next() {
        match segment {
            PathSegment::Key(key) => {
                let Some(current) = shape else { break };
                let typename = value
                    .and_then(|v| v.get("__typename"))
                    .and_then(Value::as_str);
                let Some(field) = current
                    .fields_for(typename)
                    .iter()
                    .find(|f| f.data_key.as_str() == key)
                else {
                    break;
                };
                out.push(PathSegment::Key(field.response_key.to_string()));
                value = value.and_then(|v| v.get(key.as_str()));
                while let Some(PathSegment::Index(i)) = segments.peek() {
                    out.push(PathSegment::Index(*i));
                    value = value.and_then(|v| v.get(*i));
                    segments.next();
                }
                shape = field.selection.as_deref();
            }
            PathSegment::Index(i) => {
                out.push(PathSegment::Index(*i));
                value = value.and_then(|v| v.get(*i));
            }
        }
    }
    out
}

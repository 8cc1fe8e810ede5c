//! Completion, by where the cursor is ([`super::context`]): field names from the schemas
//! `ivr schema` prints (so the editor offers what the loader accepts, with the same
//! descriptions), node ids, intents, rule names and fixed values.

use lsp_types::{CompletionItem, CompletionItemKind, Documentation, Position};
use serde_json::Value;

use super::context::{self, Place, Step};
use super::document::OpenFile;
use super::position::LineIndex;
use crate::lint::registry::RULES;

/// The fields whose value is a node id.
const TARGET_FIELDS: [&str; 4] = ["to", "then", "on_fail", "entry"];

/// Completion by where the cursor is, read from the text so that it works while the file is
/// half typed: field names for the mapping the cursor is in (a node's by its `type`, an
/// option's, the top level's, the same lists and descriptions as `ivr schema`), node ids in
/// target fields, intent names in `serves` (from the traffic file), rule names in `allow`, and
/// the values of fields with a fixed set (`type`, a rule's severity).
pub fn completion(file: &OpenFile, position: Position) -> Vec<CompletionItem> {
    let index = LineIndex::new(&file.text);
    let offset = index.offset(position);
    let Some(place) = context::place_at(&file.text, offset) else {
        return Vec::new();
    };
    let schema = if file.is_config() {
        crate::schema::config()
    } else if file.text.lines().any(|l| l.starts_with("intents:")) {
        crate::schema::intents()
    } else {
        crate::schema::menu()
    };
    match place {
        Place::Value { path, key, .. } => value_items(file, &schema, &path, &key),
        Place::Key {
            path,
            written,
            item,
        } => {
            // `- bal|` under `serves:` is a value of the list, not a key.
            if item && let [parents @ .., Step::Key(list), Step::Item] = path.as_slice() {
                let values = value_items(file, &schema, parents, list);
                if !values.is_empty() {
                    return values;
                }
            }
            field_items(&schema, &path, &written)
        }
    }
}

/// Values for `key` in the mapping at `path`.
fn value_items(file: &OpenFile, schema: &Value, path: &[Step], key: &str) -> Vec<CompletionItem> {
    // A flow node's `entry` names a node of the other file.
    let in_flow_node = matches!(path, [Step::Key(nodes), _] if nodes == "nodes");
    if TARGET_FIELDS.contains(&key) && !(key == "entry" && in_flow_node) && !file.is_config() {
        return node_id_items(file);
    }
    if key == "serves" {
        return file
            .known_intents
            .iter()
            .map(|(name, share)| CompletionItem {
                label: name.clone(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(format!("intent, {:.1}% of calls", share * 100.0)),
                ..CompletionItem::default()
            })
            .collect();
    }
    if key == "allow" {
        return RULES
            .iter()
            .map(|rule| CompletionItem {
                label: rule.name.to_string(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(rule.summary.to_string()),
                ..CompletionItem::default()
            })
            .collect();
    }
    let Some(field) =
        schema_at(schema, path, Some(key)).and_then(|m| written_field(schema, m, key))
    else {
        return Vec::new();
    };
    enum_values(schema, field)
        .into_iter()
        .map(|(value, description)| CompletionItem {
            label: value,
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            documentation: description.map(Documentation::String),
            ..CompletionItem::default()
        })
        .collect()
}

fn node_id_items(file: &OpenFile) -> Vec<CompletionItem> {
    let menu = file.menu.as_ref();
    file.known_ids
        .iter()
        .map(|id| {
            let detail = menu
                .and_then(|m| m.lookup(id).map(|n| m.node(n)))
                .map(|n| n.kind.name().to_string());
            CompletionItem {
                label: id.clone(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail,
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// The fields the mapping at `path` may have and does not have yet, with their descriptions.
fn field_items(schema: &Value, path: &[Step], written: &[(String, String)]) -> Vec<CompletionItem> {
    let written_type = written
        .iter()
        .find(|(k, _)| k == "type")
        .map(|(_, v)| v.trim_matches(['"', '\'']));
    let Some(mapping) = schema_at(schema, path, None) else {
        return Vec::new();
    };
    let mapping = node_of_type(schema, mapping, written_type.or(Some("menu")));
    let Some(Value::Object(properties)) = mapping.get("properties") else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|(name, _)| !written.iter().any(|(k, _)| k == *name))
        .map(|(name, field)| CompletionItem {
            label: name.clone(),
            kind: Some(CompletionItemKind::FIELD),
            documentation: field
                .get("description")
                .and_then(Value::as_str)
                .map(|d| Documentation::String(d.to_string())),
            insert_text: Some(format!("{name}: ")),
            ..CompletionItem::default()
        })
        .collect()
}

/// The schema of the mapping at `path` (its `$ref`s followed, a node's chosen by the key
/// wanted next: the node type that has it).
fn schema_at<'a>(root: &'a Value, path: &[Step], then: Option<&str>) -> Option<&'a Value> {
    let mut here = resolve(root, root);
    for (i, step) in path.iter().enumerate() {
        let next = match path.get(i + 1) {
            Some(Step::Key(k)) => Some(k.as_str()),
            Some(Step::Item) => None,
            None => then,
        };
        here = match step {
            Step::Key(key) => field_schema(root, here, key)?,
            Step::Item => resolve(root, here.get("items")?),
        };
        if let Some(next) = next {
            here = node_with(root, here, next);
        }
    }
    Some(here)
}

/// A field of a mapping: a named property, or any key's (`nodes`, `intents`).
fn field_schema<'a>(root: &'a Value, mapping: &'a Value, key: &str) -> Option<&'a Value> {
    Some(resolve(root, written_field(root, mapping, key)?))
}

/// A field's schema as written, its `$ref` and shapes not followed.
fn written_field<'a>(root: &'a Value, mapping: &'a Value, key: &str) -> Option<&'a Value> {
    let mapping = node_with(root, mapping, key);
    mapping
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| {
            mapping
                .get("additionalProperties")
                .filter(|a| a.is_object())
        })
}

/// A schema with its `$ref` followed and, for one of several shapes (`anyOf`), the one that is
/// a mapping or a list.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..8 {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            && let Some(def) = root.get("$defs").and_then(|d| d.get(name))
        {
            schema = def;
            continue;
        }
        if let Some(Value::Array(shapes)) = schema.get("anyOf")
            && let Some(shape) = shapes.iter().find(|s| {
                s.get("properties").is_some()
                    || s.get("additionalProperties").is_some_and(Value::is_object)
                    || s.get("items").is_some()
            })
        {
            schema = shape;
            continue;
        }
        break;
    }
    schema
}

/// For a node (whose fields depend on its `type`): the type's schema that has `field`.
fn node_with<'a>(root: &'a Value, schema: &'a Value, field: &str) -> &'a Value {
    let Some(Value::Array(types)) = schema.get("allOf") else {
        return schema;
    };
    // `type` itself, with its values, is the node's own.
    if schema
        .get("properties")
        .is_some_and(|p| p.get(field).is_some())
    {
        return schema;
    }
    types
        .iter()
        .filter_map(|t| t.get("then"))
        .map(|t| resolve(root, t))
        .find(|t| t.get("properties").is_some_and(|p| p.get(field).is_some()))
        .unwrap_or(schema)
}

/// For a node: the schema of the named type.
fn node_of_type<'a>(schema: &'a Value, node: &'a Value, kind: Option<&str>) -> &'a Value {
    let Some(Value::Array(types)) = node.get("allOf") else {
        return node;
    };
    types
        .iter()
        .find(|t| {
            t.pointer("/if/properties/type/const")
                .and_then(Value::as_str)
                == kind
        })
        .and_then(|t| t.get("then"))
        .map_or(node, |t| resolve(schema, t))
}

/// The fixed values a field takes, with their descriptions, through nested `anyOf`s.
fn enum_values(root: &Value, field: &Value) -> Vec<(String, Option<String>)> {
    let field = match field
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => root.get("$defs").and_then(|d| d.get(name)).unwrap_or(field),
        None => field,
    };
    let mut found = Vec::new();
    if let Some(Value::Array(values)) = field.get("enum") {
        let descriptions = field.get("enumDescriptions").and_then(Value::as_array);
        for (i, value) in values.iter().enumerate() {
            if let Some(value) = value.as_str() {
                let description = descriptions
                    .and_then(|d| d.get(i))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                found.push((value.to_string(), description));
            }
        }
    }
    if let Some(Value::Array(shapes)) = field.get("anyOf") {
        for shape in shapes {
            found.extend(enum_values(root, shape));
        }
    }
    found
}

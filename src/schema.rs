pub fn menu() -> serde_json::Value {
    serde_json::json!({})
}
pub fn intents() -> serde_json::Value {
    serde_json::json!({})
}

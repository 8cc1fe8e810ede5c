//! `ivr schema`: the JSON Schemas accept every example, reject what the loader rejects, and stay
//! usable by yaml-language-server (which checks schemas against the draft-07 meta-schema).

mod common;

use common::load::{Document, document};
use common::{example_files, ivr};
use serde_json::Value;

fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).expect("valid YAML")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the schema compiles")
}

/// The schema's error messages for a document, empty when it is valid.
fn schema_errors(schema: &Value, text: &str) -> Vec<String> {
    let instance = yaml_to_json(text);
    validator(schema)
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn loads(text: &str) -> bool {
    match document("case.yaml", text) {
        Ok(Document::Menu(_) | Document::Intents(_)) => true,
        Ok(Document::Other(_)) => panic!("neither a menu nor an intents file:\n{text}"),
        Err(_) => false,
    }
}

fn ivr_schema(kind: &str) -> String {
    let output = ivr(&["schema", kind]);
    assert!(output.success(), "ivr schema {kind} failed");
    assert!(output.stderr.is_empty());
    output.stdout
}

/// The example menus and intents files, in name order.
fn examples() -> Vec<(String, String)> {
    example_files()
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

#[test]
fn schema_output_is_snapshotted() {
    let _snapshots = common::snapshot_folder("schema");
    insta::assert_snapshot!("menu_schema", ivr_schema("menu"));
    insta::assert_snapshot!("intents_schema", ivr_schema("intents"));
}

#[test]
fn the_printed_schema_is_the_library_schema() {
    let printed: Value = serde_json::from_str(&ivr_schema("menu")).expect("JSON");
    assert_eq!(printed, ivr::schema::menu());
    let printed: Value = serde_json::from_str(&ivr_schema("intents")).expect("JSON");
    assert_eq!(printed, ivr::schema::intents());
}

#[test]
fn schemas_are_valid_for_2020_12_and_for_editors() {
    for (name, schema) in [
        ("menu", ivr::schema::menu()),
        ("intents", ivr::schema::intents()),
    ] {
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert!(
            schema["$id"].is_string() && schema["title"].is_string(),
            "{name}"
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{name} schema is not valid 2020-12: {e}");
        }
        // yaml-language-server checks a schema against the draft-07 meta-schema.
        if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
            panic!("{name} schema fails the draft-07 meta-schema: {e}");
        }
    }
}

/// Every property (at any depth) has a description, since editors show it on hover.
#[test]
fn every_property_is_described() {
    fn walk(schema: &Value, path: &str, missing: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        let described = prop.get("description").is_some_and(Value::is_string)
                            || prop.get("$ref").is_some_and(|r| {
                                // A bare `$ref` takes the description of its target.
                                r.as_str().is_some_and(|r| r != "#/$defs/nodeId")
                            });
                        // `type` in an `if` condition is a test, not a field.
                        if !described && !path.ends_with("/if") {
                            missing.push(format!("{path}/properties/{name}"));
                        }
                    }
                }
                for (key, value) in map {
                    walk(value, &format!("{path}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    for schema in [ivr::schema::menu(), ivr::schema::intents()] {
        let mut missing = Vec::new();
        walk(&schema, "#", &mut missing);
        assert!(
            missing.is_empty(),
            "properties without a description: {missing:#?}"
        );
        for def in schema
            .get("$defs")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            assert!(
                def.1["description"].is_string(),
                "$defs/{} undescribed",
                def.0
            );
        }
    }
}

#[test]
fn every_example_is_valid() {
    let (menu, intents) = (ivr::schema::menu(), ivr::schema::intents());
    let examples = examples();
    assert!(
        examples.len() >= 8,
        "expected the example menus and intents"
    );
    for (name, text) in examples {
        let schema = if name.ends_with(".intents.yaml") {
            &intents
        } else {
            &menu
        };
        let errors = schema_errors(schema, &text);
        assert!(errors.is_empty(), "menus/{name}: {errors:#?}");
    }
}

/// A menu that uses every field the menu schema describes, each in every place it may go.
const EVERYTHING: &str = r##"
menu: Everything
entry: main
traffic: everything.intents.yaml
speech: { words_per_minute: 150, chars_per_second: 4.0 }
defaults: { timeout: 5, retries: 2, on_fail: agent, reaction_time: 1.5 }
nodes:
  main:
    type: menu
    say: Welcome.
    label: Main menu
    duration: 2
    complaint: false
    lint: { allow: [popular-first], reason: "safety first" }
    options:
      - { key: 1, say: "For your PIN, press 1.", to: pin, traffic: 0.5, duration: 2.5 }
      - { key: "2", say: "For news, press 2.", to: news }
      - { key: "*", say: "To hear this again, press star.", to: main }
      - { key: "#", say: "To leave, press hash.", to: bye }
      - { key: 0, say: "To speak to someone, press 0.", to: agent }
    on_invalid: { say: "Sorry.", retries: 1, then: agent }
    on_no_input: { say: "Hello?", retries: 0 }
    timeout: 4
    retries: 3
  pin:
    type: input
    say: Enter your PIN.
    digits: 4
    to: done
    on_invalid: { say: "Wrong PIN." }
    on_no_input: { then: agent }
    timeout: 10
    retries: 1
  news: { type: message, say: "Nothing new.", to: main, label: News }
  done: { type: self_service, say: "Done.", serves: [reset_pin], to: main }
  bye: { type: hangup, say: "Goodbye.", duration: 1 }
  agent: { type: transfer, say: "Please hold.", queue: general, serves: ["*"], complaint: true }
  hours:
    type: decision
    say: One moment.
    branches:
      - { when: open, share: 0.8, to: main }
      - { when: closed, share: 0.2, to: bye }
  elsewhere: { type: flow, say: "Transferring.", file: other.yaml, entry: start }
"##;

/// A speech front end: the speech node's fields.
const SPEECH_MENU: &str = r#"
menu: Speech
entry: front
nodes:
  front:
    type: speech
    say: Tell me in a few words what you are calling about.
    routes: { reset_pin: done, "*": agent }
    reject_rate: 0.1
    accuracy: 0.9
    on_invalid: { say: "Sorry, once more?", retries: 1, then: agent }
    on_no_input: { then: agent }
    timeout: 6
    retries: 1
  done: { type: self_service, serves: [reset_pin] }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

const EVERYTHING_INTENTS: &str = r#"
intents:
  reset_pin: 10
  news: 0
  complaint: { share: 2.5, complaint: true }
  other: { share: 1 }
callers:
  mistake_rate: 0.08
  invalid_rate: 0.02
  no_input_rate: 0.04
  patience: 600
  barge_in: true
  digit_time: 0.5
  confusion: 0
  memory_span: 4
  forget_rate: 0.03
  use_unannounced: false
  zero_out: 0.5
  reaction_time: 1.5
arrivals:
  interval_minutes: 30
  calls: [100, 250.5, 0]
queues:
  general: { agents: [3, 8, 0], handle_time: 120, handle_cv: 0.8, patience: 180 }
  default: { agents: 4, handle_time: 60, patience: null }
service_level: { answer_within: 20, target: 0.8 }
misroute: { handle_time: 45 }
"#;

/// The other way to give callers: groups with their own settings, and intents with their own
/// mix of groups and the nodes their callers confuse.
const GROUPS_INTENTS: &str = r#"
intents:
  pay_bill: { share: 20, confused_with: { billing: 0.15 }, personas: { first_time: 60, regular: 40 } }
  other: 80
callers:
  - { name: regular, share: 70, barge_in: true, mistake_rate: 0.05 }
  - name: first_time
    share: 25
    mistake_rate: 0.12
    invalid_rate: 0.02
    no_input_rate: 0.04
    patience: 300
    barge_in: false
    digit_time: 0.8
    confusion: 0.1
    memory_span: 4
    forget_rate: 0.05
    use_unannounced: false
    zero_out: 0.6
    reaction_time: 3
    speak_time: 4
"#;

/// The other way to give arrivals: a steady rate.
const STEADY_INTENTS: &str = r#"
intents: { general: 1 }
arrivals: { calls_per_hour: 1000 }
queues:
  general: { agents: 38, handle_time: 120 }
"#;

#[test]
fn the_everything_files_load_and_validate() {
    assert!(loads(EVERYTHING));
    assert!(loads(EVERYTHING_INTENTS));
    assert!(loads(STEADY_INTENTS));
    assert!(loads(GROUPS_INTENTS));
    assert!(loads(SPEECH_MENU));
    let errors = schema_errors(&ivr::schema::menu(), SPEECH_MENU);
    assert!(errors.is_empty(), "{errors:#?}");
    let errors = schema_errors(&ivr::schema::intents(), STEADY_INTENTS);
    assert!(errors.is_empty(), "{errors:#?}");
    let errors = schema_errors(&ivr::schema::intents(), GROUPS_INTENTS);
    assert!(errors.is_empty(), "{errors:#?}");
    let errors = schema_errors(&ivr::schema::menu(), EVERYTHING);
    assert!(errors.is_empty(), "{errors:#?}");
    let errors = schema_errors(&ivr::schema::intents(), EVERYTHING_INTENTS);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every field the schemas know is used in the "everything" files, so the loader has accepted it.
#[test]
fn every_schema_field_is_one_the_loader_accepts() {
    fn used_fields(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    used_fields(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| used_fields(i, out)),
            _ => {}
        }
    }
    fn schema_fields(schema: &Value, out: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|v| schema_fields(v, out));
            }
            Value::Array(items) => items.iter().for_each(|i| schema_fields(i, out)),
            _ => {}
        }
    }
    for (schema, text) in [
        (ivr::schema::menu(), EVERYTHING),
        (ivr::schema::intents(), EVERYTHING_INTENTS),
    ] {
        let mut used = Vec::new();
        used_fields(&yaml_to_json(text), &mut used);
        used_fields(&yaml_to_json(STEADY_INTENTS), &mut used);
        used_fields(&yaml_to_json(GROUPS_INTENTS), &mut used);
        used_fields(&yaml_to_json(SPEECH_MENU), &mut used);
        let mut known = Vec::new();
        schema_fields(&schema, &mut known);
        for field in &known {
            assert!(
                used.contains(field),
                "`{field}` is in the schema but not used here"
            );
        }
    }
}

/// Changes to the "everything" files, with whether the loader and the schema accept them; they
/// must agree.
#[test]
fn loader_and_schema_agree_on_ranges_and_shapes() {
    let menu_cases: &[(&str, &str, &str, bool)] = &[
        ("digits 1", "digits: 4", "digits: 1", true),
        ("digits 64", "digits: 4", "digits: 64", true),
        ("digits 0", "digits: 4", "digits: 0", false),
        ("digits 65", "digits: 4", "digits: 65", false),
        ("digits 4.5", "digits: 4", "digits: 4.5", false),
        ("digits text", "digits: 4", "digits: four", false),
        ("retries 0", "retries: 3", "retries: 0", true),
        ("retries 20", "retries: 3", "retries: 20", true),
        ("retries 21", "retries: 3", "retries: 21", false),
        ("retries -1", "retries: 3", "retries: -1", false),
        (
            "handler retries 21",
            "retries: 1, then",
            "retries: 21, then",
            false,
        ),
        (
            "defaults retries 21",
            "retries: 2, on_fail",
            "retries: 21, on_fail",
            false,
        ),
        ("timeout 0.1", "timeout: 4", "timeout: 0.1", true),
        ("timeout 0", "timeout: 4", "timeout: 0", false),
        ("defaults timeout 0", "{ timeout: 5", "{ timeout: 0", false),
        ("duration 0", "duration: 2\n", "duration: 0\n", true),
        ("duration -1", "duration: 2\n", "duration: -1\n", false),
        ("option duration -1", "duration: 2.5", "duration: -1", false),
        (
            "reaction_time 0",
            "reaction_time: 1.5",
            "reaction_time: 0",
            true,
        ),
        (
            "reaction_time -1",
            "reaction_time: 1.5",
            "reaction_time: -1",
            false,
        ),
        (
            "words_per_minute 0",
            "words_per_minute: 150",
            "words_per_minute: 0",
            false,
        ),
        (
            "chars_per_second 0",
            "chars_per_second: 4.0",
            "chars_per_second: 0",
            false,
        ),
        ("traffic 1", "traffic: 0.5", "traffic: 1", true),
        ("traffic 0", "traffic: 0.5", "traffic: 0", true),
        ("traffic 1.5", "traffic: 0.5", "traffic: 1.5", false),
        (
            "complaint text",
            "complaint: false",
            "complaint: maybe",
            false,
        ),
        ("bad type", "type: input", "type: imput", false),
        (
            "type of another node",
            "type: message",
            "type: transfer",
            false,
        ),
        (
            "queue on a menu",
            "retries: 3\n",
            "retries: 3\n    queue: general\n",
            false,
        ),
        (
            "digits on a message",
            "to: main, label",
            "to: main, digits: 3, label",
            false,
        ),
        (
            "to on a transfer",
            "queue: general,",
            "queue: general, to: main,",
            false,
        ),
        (
            "options on a message",
            "to: main, label",
            "to: main, options: [], label",
            false,
        ),
        (
            "serves * on self-service",
            "serves: [reset_pin]",
            "serves: [\"*\"]",
            false,
        ),
        ("unknown node field", "label: News", "lable: News", false),
        (
            "unknown option field",
            "to: news }",
            "to: news, goto: news }",
            false,
        ),
        (
            "unknown handler field",
            "say: \"Hello?\",",
            "say: \"Hello?\", next: agent,",
            false,
        ),
        (
            "unknown top-level field",
            "menu: Everything",
            "menu: Everything\nversion: 1",
            false,
        ),
        (
            "unknown defaults field",
            "reaction_time: 1.5",
            "reaction_time: 1.5, on_invalid: {}",
            false,
        ),
        (
            "unknown lint field",
            "reason: \"safety first\"",
            "because: \"x\"",
            false,
        ),
        (
            "no type, no options",
            "bye: { type: hangup,",
            "bye: {",
            false,
        ),
        ("say is a list", "say: Welcome.", "say: [Welcome.]", false),
    ];
    let intents_cases: &[(&str, &str, &str, bool)] = &[
        ("weight 0", "reset_pin: 10", "reset_pin: 0", true),
        ("weight negative", "reset_pin: 10", "reset_pin: -1", false),
        ("weight text", "reset_pin: 10", "reset_pin: ten", false),
        ("share negative", "share: 2.5", "share: -2.5", false),
        (
            "no share",
            "other: { share: 1 }",
            "other: { complaint: true }",
            false,
        ),
        (
            "unknown intent field",
            "share: 1 }",
            "share: 1, weight: 2 }",
            false,
        ),
        ("rate 0.9", "mistake_rate: 0.08", "mistake_rate: 0.9", true),
        ("rate 1.2", "mistake_rate: 0.08", "mistake_rate: 1.2", false),
        (
            "rate -0.1",
            "invalid_rate: 0.02",
            "invalid_rate: -0.1",
            false,
        ),
        ("patience null", "patience: 600", "patience: null", true),
        ("patience 0", "patience: 600", "patience: 0", false),
        ("patience text", "patience: 600", "patience: forever", false),
        ("digit_time 0", "digit_time: 0.5", "digit_time: 0", true),
        ("digit_time -1", "digit_time: 0.5", "digit_time: -1", false),
        (
            "barge_in text",
            "barge_in: true",
            "barge_in: sometimes",
            false,
        ),
        (
            "unknown callers field",
            "barge_in: true",
            "barge_in: true\n  hang_up_rate: 0.1",
            false,
        ),
        ("nodes in intents", "callers:", "nodes: {}\ncallers:", false),
    ];
    let (menu, intents) = (ivr::schema::menu(), ivr::schema::intents());
    for (schema, base, cases) in [
        (&menu, EVERYTHING, menu_cases),
        (&intents, EVERYTHING_INTENTS, intents_cases),
    ] {
        for &(what, from, to, valid) in cases {
            assert_eq!(
                base.matches(from).count(),
                1,
                "{what}: `{from}` must occur once"
            );
            let text = base.replacen(from, to, 1);
            let errors = schema_errors(schema, &text);
            assert_eq!(loads(&text), valid, "{what}: the loader disagrees\n{text}");
            assert_eq!(
                errors.is_empty(),
                valid,
                "{what}: the schema disagrees: {errors:#?}"
            );
        }
    }
}

/// What the schema rejects but the loader keeps for the linter to report (with line and column,
/// and alongside every other finding).
#[test]
fn the_schema_flags_what_the_linter_reports() {
    let cases: &[(&str, &str, &str)] = &[
        ("key 10", "key: 1,", "key: 10,"),
        ("key x", "key: 1,", "key: x,"),
        ("option without to", ", to: news }", " }"),
        ("input without digits", "    digits: 4\n", ""),
        ("transfer without queue", "queue: general, ", ""),
        ("no entry", "entry: main\n", ""),
    ];
    let menu = ivr::schema::menu();
    for &(what, from, to) in cases {
        assert_eq!(
            EVERYTHING.matches(from).count(),
            1,
            "{what}: `{from}` must occur once"
        );
        let text = EVERYTHING.replacen(from, to, 1);
        assert!(
            loads(&text),
            "{what}: the loader should keep it for the linter"
        );
        assert!(
            !schema_errors(&menu, &text).is_empty(),
            "{what}: the schema accepts it"
        );
    }
    let no_options = "menu: M\nentry: main\nnodes:\n  main: { options: [] }\n";
    assert!(loads(no_options));
    assert!(
        !schema_errors(&menu, no_options).is_empty(),
        "a menu with no options"
    );
}

#[test]
fn errors_point_at_the_field() {
    let menu = ivr::schema::menu();
    let text = EVERYTHING.replacen("digits: 4", "digits: 0", 1);
    let errors = schema_errors(&menu, &text);
    assert!(
        errors.iter().any(|e| e.starts_with("/nodes/pin/digits:")),
        "{errors:#?}"
    );
    let text = EVERYTHING.replacen("label: News", "lable: News", 1);
    let errors = schema_errors(&menu, &text);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/nodes/news:") && e.contains("lable")),
        "{errors:#?}"
    );
}

/// `ivr schema config` describes every rule and option, and accepts what the loader accepts.
#[test]
fn config_schema_matches_the_config_loader() {
    let schema = ivr::schema::config();
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("config schema is not valid 2020-12: {e}");
    }
    let check = validator(&schema);
    for rule in ivr::lint::registry::RULES {
        assert!(
            schema["properties"]["rules"]["properties"][rule.name].is_object(),
            "{}",
            rule.name
        );
    }
    let good = "rules:\n  agent-depth: { severity: warning, max_inputs: 2 }\n  prompt-key-mismatch: off\n  reentry: false\nexclude: [drafts/]\nchecks: ['abandoned<=0.08']\n";
    let bad = [
        "rules:\n  agent-dept: error\n",
        "rules:\n  agent-depth: { max_input: 2 }\n",
        "rules:\n  agent-depth: loud\n",
        "rulez: {}\n",
    ];
    let as_json = |text: &str| serde_saphyr::from_str::<Value>(text).unwrap();
    let source = |text: &str| ivr::source::SourceFile::new(".ivr.yaml", text.to_string());
    assert!(check.is_valid(&as_json(good)));
    assert!(ivr::config::Config::from_source(&source(good), &ivr::yaml::Limits::DEFAULT).is_ok());
    for text in bad {
        assert!(!check.is_valid(&as_json(text)), "schema accepts {text}");
        assert!(
            ivr::config::Config::from_source(&source(text), &ivr::yaml::Limits::DEFAULT).is_err(),
            "loader accepts {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The schemas of the outputs (`ivr schema sim-output`, `compare-output`, `lint-output`): real
// outputs of every kind validate, and an output with a field renamed, dropped, added or retyped
// does not.

/// The output schema `ivr schema KIND` prints, checked to be the library's.
fn output_schema(kind: &str) -> Value {
    let printed: Value = serde_json::from_str(&ivr_schema(kind)).expect("JSON");
    let library = match kind {
        "sim-output" => ivr::schema::sim_output(),
        "compare-output" => ivr::schema::compare_output(),
        "lint-output" => ivr::schema::lint_output(),
        "partial" => ivr::schema::partial(),
        _ => panic!("no output schema {kind}"),
    };
    assert_eq!(printed, library, "{kind}");
    printed
}

/// The validation errors of an output, empty when it is valid.
fn output_errors(schema: &Value, output: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(output)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Runs `ivr ARGS`, which must exit with `code`, and checks its stdout against the schema.
#[track_caller]
fn assert_valid_output(schema: &Value, args: &[&str], code: i32) -> Value {
    let run = ivr(args);
    assert_eq!(
        run.code,
        Some(code),
        "ivr {args:?}; stderr:\n{}",
        run.stderr
    );
    let output = run.json();
    let errors = output_errors(schema, &output);
    assert!(
        errors.is_empty(),
        "ivr {args:?} does not match its schema:\n{}",
        errors.join("\n")
    );
    output
}

#[test]
fn output_schemas_are_valid_2020_12_and_versioned() {
    for (kind, version) in [
        ("sim-output", ivr::schema::SIM_OUTPUT_VERSION),
        ("compare-output", ivr::schema::COMPARE_OUTPUT_VERSION),
        ("lint-output", ivr::schema::LINT_OUTPUT_VERSION),
    ] {
        let schema = output_schema(kind);
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{kind} schema is not valid 2020-12: {e}");
        }
        assert_eq!(schema["$id"], format!("urn:ivr:schema:{kind}:{version}"));
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("output version {version}"))),
            "{kind}: the description names the version"
        );
    }
}

/// Every field of an output is described (units live in the descriptions), and every object
/// refuses fields it does not list, so a renamed field cannot slip through.
#[test]
fn output_schemas_describe_every_field_and_close_every_object() {
    fn walk(schema: &Value, path: &str, problems: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{path}: open object"));
                    }
                    for (name, prop) in props {
                        if !prop.get("description").is_some_and(Value::is_string) {
                            problems.push(format!("{path}/properties/{name}: undescribed"));
                        }
                    }
                }
                for (key, value) in map {
                    walk(value, &format!("{path}/{key}"), problems);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{i}"), problems);
                }
            }
            _ => {}
        }
    }
    for kind in ["sim-output", "compare-output", "lint-output", "partial"] {
        let mut problems = Vec::new();
        walk(&output_schema(kind), "#", &mut problems);
        assert!(problems.is_empty(), "{kind}: {problems:#?}");
    }
}

#[test]
fn sim_outputs_match_their_schema() {
    let schema = output_schema("sim-output");
    for menu in common::example_menus() {
        let menu = menu.to_string_lossy().into_owned();
        // Days of intervals (mobile-operator) or calls per hour (retail-bank) fill `queues`.
        let sampled = [
            "sim", &menu, "--calls", "400", "--seed", "3", "--days", "2", "--format", "json",
        ];
        let output = assert_valid_output(&schema, &sampled, 0);
        if menu.contains("retail-bank") || menu.contains("mobile-operator") {
            assert!(output["queues"].is_object(), "{menu}: queue figures");
        }
        let exact = ["sim", &menu, "--exact", "--format", "json"];
        let output = assert_valid_output(&schema, &exact, 0);
        if menu.contains("retail-bank") || menu.contains("mobile-operator") {
            assert!(output["queues_exact"].is_object(), "{menu}: Erlang figures");
        }
        for flow in ["--by-intent", "--flow"] {
            let args = [
                "sim", &menu, "--calls", "300", "--seed", "1", "--days", "2", flow, "--format",
                "json",
            ];
            assert_valid_output(&schema, &args, 0);
        }
    }
    // A menu of the docs, whose traffic has queues.
    let documented = "docs/examples/retail-bank-balance-by-agent.yaml";
    for extra in [&["--calls", "400"][..], &["--exact"]] {
        let args = [&["sim", documented, "--format", "json"][..], extra].concat();
        let output = assert_valid_output(&schema, &args, 0);
        assert!(output["queues"].is_object() || output["queues_exact"].is_object());
    }
    let day = assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/mobile-operator.yaml",
            "--days",
            "2",
            "--format",
            "json",
        ],
        0,
    );
    assert!(day["queues"]["intervals"].is_array(), "a day's intervals");
    let by_intent = assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/tutorial.yaml",
            "--calls",
            "200",
            "--by-intent",
            "--format",
            "json",
        ],
        0,
    );
    let first = by_intent["intents"].as_object().expect("intents").values();
    assert!(first.into_iter().all(|i| i["nodes"].is_array()));
}

#[test]
fn gated_and_swept_sim_outputs_match_their_schema() {
    let schema = output_schema("sim-output");
    let checked = assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/tutorial.yaml",
            "--calls",
            "300",
            "--check",
            "abandoned<=0.5",
            "--check",
            "time.p99<=1",
            "--check",
            "intent.complaint.time_to_agent.mean<=16",
            "--format",
            "json",
        ],
        1,
    );
    assert_eq!(checked["checks"].as_array().map(Vec::len), Some(3));
    assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/tutorial.yaml",
            "--exact",
            "--check",
            "abandoned<=0.5",
            "--format",
            "json",
        ],
        0,
    );
    let sweep = assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/tutorial.yaml",
            "--calls",
            "200",
            "--vary",
            "callers.mistake_rate=0.01,0.1",
            "--vary",
            "callers.patience=60,null",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(sweep.as_array().map(Vec::len), Some(4));
    // Checks decided at each point, on a caller group.
    let checked = assert_valid_output(
        &schema,
        &[
            "sim",
            "docs/calibration/nine-options.yaml",
            "--exact",
            "--vary",
            "callers.confusion=0,0.3",
            "--check",
            "persona.first_time.abandoned<=0.1",
            "--check",
            "confused<=0.2",
            "--format",
            "json",
        ],
        1,
    );
    assert!(
        checked[1]["checks"]
            .as_array()
            .is_some_and(|c| c.len() == 2)
    );
    assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/tutorial.yaml",
            "--exact",
            "--vary",
            "callers.barge_in=true,false",
            "--format",
            "json",
        ],
        0,
    );
    // Queue settings as sweep parameters, with queue figures at every point.
    let queues = assert_valid_output(
        &schema,
        &[
            "sim",
            "menus/retail-bank.yaml",
            "--calls",
            "3000",
            "--vary",
            "queues.general.agents=20,22",
            "--vary",
            "arrivals.calls_per_hour=1500",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(queues[1]["point"]["queues.general.agents"], 22);
    assert!(queues[1]["result"]["queues"].is_object());
}

#[test]
fn compare_outputs_match_their_schema() {
    let schema = output_schema("compare-output");
    for extra in [&["--calls", "500", "--seed", "2"][..], &["--exact"]] {
        for (a, b) in [
            ("menus/retail-bank.yaml", "docs/what-if/short-greeting.yaml"),
            (
                "menus/retail-bank.yaml",
                "docs/what-if/no-adviser-option.yaml",
            ),
            ("menus/tutorial.yaml", "menus/tutorial.yaml"),
            // Confusions and caller groups against a speech node.
            (
                "docs/calibration/nine-options.yaml",
                "docs/calibration/speech-front.yaml",
            ),
        ] {
            let mut args = vec!["compare", a, b, "--format", "json"];
            args.extend(extra);
            let output = assert_valid_output(&schema, &args, 0);
            assert!(output["diff"]["intents"].is_object());
        }
    }
    // Through the queues: steady state (the retail bank) and a day in intervals.
    let steady = assert_valid_output(
        &schema,
        &[
            "compare",
            "menus/retail-bank.yaml",
            "docs/examples/retail-bank-balance-by-agent.yaml",
            "--calls",
            "3000",
            "--format",
            "json",
        ],
        0,
    );
    assert!(steady["diff"]["queues"]["queues"].is_object());
    let day = assert_valid_output(
        &schema,
        &[
            "compare",
            "menus/mobile-operator.yaml",
            "menus/mobile-operator.yaml",
            "--days",
            "2",
            "--format",
            "json",
        ],
        0,
    );
    assert!(day["diff"]["queues"]["intervals"].is_array());
}

#[test]
fn lint_outputs_match_their_schema() {
    let schema = output_schema("lint-output");
    for file in common::example_files() {
        let file = file.to_string_lossy().into_owned();
        let run = ivr(&["lint", &file, "--format", "json"]);
        let errors = output_errors(&schema, &run.json());
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    let bad = assert_valid_output(
        &schema,
        &["lint", "tests/fixtures/bad-menu.yaml", "--format", "json"],
        1,
    );
    assert!(bad["diagnostics"].as_array().is_some_and(|d| d.len() > 10));
    // A run that cannot be done still prints the shape, with `errors`.
    let failed = assert_valid_output(
        &schema,
        &["lint", "no/such/menu.yaml", "--format", "json"],
        2,
    );
    assert!(failed["errors"].is_array());
}

/// The schemas are strict: a renamed, dropped, added or retyped field in a real output fails.
#[test]
fn a_tampered_output_fails_its_schema() {
    let sim = output_schema("sim-output");
    let run = ivr(&[
        "sim",
        "menus/retail-bank.yaml",
        "--calls",
        "300",
        "--format",
        "json",
    ]);
    let output = run.json();
    assert!(output_errors(&sim, &output).is_empty());
    let tamper = |change: &dyn Fn(&mut Value)| {
        let mut copy = output.clone();
        change(&mut copy);
        copy
    };
    let rename = |object: &mut Value, from: &str, to: &str| {
        let map = object.as_object_mut().expect("an object");
        let value = map.remove(from).expect("the field");
        map.insert(to.to_string(), value);
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "a renamed top-level field",
            tamper(&|o| rename(o, "calls", "n_calls")),
        ),
        (
            "a renamed outcome",
            tamper(&|o| rename(&mut o["overall"]["outcomes"], "self_served", "selfserved")),
        ),
        (
            "a renamed figure inside an intent",
            tamper(&|o| {
                let intent = o["intents"].as_object_mut().unwrap().values_mut().next();
                rename(&mut intent.unwrap()["time"], "mean", "mean_s");
            }),
        ),
        (
            "a dropped interval",
            tamper(&|o| {
                o["overall"]["time"]
                    .as_object_mut()
                    .unwrap()
                    .remove("p90_ci95");
            }),
        ),
        (
            "an added field",
            tamper(&|o| o["overall"]["extra"] = Value::Bool(true)),
        ),
        (
            "a share as a string",
            tamper(&|o| o["overall"]["outcomes"]["agent"] = Value::from("12%")),
        ),
        (
            "a renamed queue figure",
            tamper(&|o| rename(&mut o["queues"]["overall"], "asa", "average_speed")),
        ),
        (
            "a fractional key-press quantile",
            tamper(&|o| o["overall"]["inputs"]["p50"] = Value::from(2.5)),
        ),
        (
            "an interval of three numbers",
            tamper(&|o| o["overall"]["time"]["mean_ci95"] = serde_json::json!([1.0, 2.0, 3.0])),
        ),
    ];
    for (what, tampered) in cases {
        assert!(
            !output_errors(&sim, &tampered).is_empty(),
            "{what}: still valid"
        );
    }

    let compare = output_schema("compare-output");
    let mut output = ivr(&[
        "compare",
        "menus/tutorial.yaml",
        "menus/tutorial.yaml",
        "--calls",
        "200",
        "--format",
        "json",
    ])
    .json();
    assert!(output_errors(&compare, &output).is_empty());
    rename(
        &mut output["diff"]["overall"]["time"]["mean"],
        "significant",
        "sig",
    );
    assert!(
        !output_errors(&compare, &output).is_empty(),
        "a renamed difference field"
    );

    let lint = output_schema("lint-output");
    let mut output = ivr(&["lint", "tests/fixtures/bad-menu.yaml", "--format", "json"]).json();
    assert!(output_errors(&lint, &output).is_empty());
    rename(&mut output["diagnostics"][0], "rule", "code");
    assert!(
        !output_errors(&lint, &output).is_empty(),
        "a renamed finding field"
    );
}

/// A decision's branch edges in `--flow` and a branch-share sweep match the sim output schema.
#[test]
fn decision_outputs_match_the_sim_output_schema() {
    let schema = output_schema("sim-output");
    let flow = assert_valid_output(
        &schema,
        &[
            "sim",
            "tests/fixtures/flows/front.yaml",
            "--exact",
            "--flow",
            "--format",
            "json",
        ],
        0,
    );
    assert!(
        flow["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "branch" && e["key"] == "closed"),
        "{flow:#}"
    );
    assert_valid_output(
        &schema,
        &[
            "sim",
            "tests/fixtures/flows/hours.yaml",
            "--exact",
            "--format",
            "json",
            "--vary",
            "nodes.hours.branches.closed=0,0.5",
        ],
        0,
    );
}

#[test]
fn caller_groups_confusions_and_speech_outputs_match_their_schema() {
    let schema = output_schema("sim-output");
    for menu in [
        "docs/calibration/nine-options.yaml",
        "docs/calibration/speech-front.yaml",
    ] {
        let report = assert_valid_output(
            &schema,
            &["sim", menu, "--calls", "2000", "--format", "json"],
            0,
        );
        assert!(report["personas"]["first_time"]["confused"].is_number());
        assert_valid_output(&schema, &["sim", menu, "--exact", "--format", "json"], 0);
    }
    let swept = assert_valid_output(
        &schema,
        &[
            "sim",
            "docs/calibration/speech-front.yaml",
            "--exact",
            "--vary",
            "nodes.front.accuracy=0.8,0.9",
            "--format",
            "json",
        ],
        0,
    );
    assert!(swept[0]["result"]["overall"]["speech"]["recognised"].is_number());
    let compared = output_schema("compare-output");
    assert_valid_output(
        &compared,
        &[
            "compare",
            "docs/calibration/four-options.yaml",
            "docs/calibration/nine-options.yaml",
            "--calls",
            "2000",
            "--format",
            "json",
        ],
        0,
    );
}

//! Deploy-time templates in platform files (`{{greeting}}`, `${ jsonencode(...) }`,
//! `<<queueId>>`): where the flow's structure depends on one (a block's id or target, a key, a
//! number, a place where JSON needs a value) the file is an input error at the template's line
//! and column; where it is only words (a prompt, a queue's name) it is kept as written and
//! listed as an approximation. A platform's own run-time syntax is no template.

mod common;

use common::import::imported_text;
use common::{ivr_in, scratch, write};

/// `ivr lint` on a file: its one input error as `line:column message`.
fn template_error(name: &str, text: &str) -> String {
    let dir = scratch();
    write(dir.path(), name, text);
    let run = ivr_in(dir.path(), &["lint", name, "--format", "json"]);
    let json = run.json();
    let errors: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "input-error")
        .map(|d| {
            format!(
                "{}:{} {}",
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 1, "{json:#}");
    errors[0].clone()
}

/// Where `template` first stands in `text`, as `line:column` (1-based, ASCII text).
fn at(text: &str, template: &str) -> String {
    let offset = text.find(template).expect("the template is in the text");
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{line}:{column}")
}

fn connect(text_param: &str, next: &str, timeout: &str) -> String {
    format!(
        r#"{{
  "Version": "2019-10-30",
  "StartAction": "menu",
  "Actions": [
    {{
      "Identifier": "menu",
      "Type": "GetParticipantInput",
      "Parameters": {{ "Text": {text_param}, "InputTimeLimitSeconds": {timeout} }},
      "Transitions": {{
        "NextAction": "queue",
        "Conditions": [
          {{ "NextAction": {next}, "Condition": {{ "Operator": "Equals", "Operands": ["1"] }} }}
        ]
      }}
    }},
    {{
      "Identifier": "set",
      "Type": "UpdateContactTargetQueue",
      "Parameters": {{ "QueueId": "${{aws_connect_queue.sales.arn}}" }},
      "Transitions": {{ "NextAction": "queue" }}
    }},
    {{
      "Identifier": "queue",
      "Type": "TransferContactToQueue",
      "Parameters": {{}},
      "Transitions": {{}}
    }}
  ]
}}
"#
    )
}

#[test]
fn a_template_where_json_needs_a_value_is_an_input_error_at_it() {
    let unquoted = connect("\"Press 1.\"", "{{sales_block}}", "\"5\"");
    assert_eq!(
        template_error("flow.json", &unquoted),
        format!(
            "{} `{{{{sales_block}}}}` is a deploy-time template, and JSON needs a value where it sits: the flow is not valid until it is substituted",
            at(&unquoted, "{{sales_block}}")
        )
    );
    let encoded = connect("\"Press 1.\"", "\"set\"", "${ jsonencode(var.timeout) }");
    assert_eq!(
        template_error("flow.json", &encoded),
        format!(
            "{} `${{ jsonencode(var.timeout) }}` is a deploy-time template, and JSON needs a value where it sits: the flow is not valid until it is substituted",
            at(&encoded, "${ jsonencode")
        )
    );
    let angle = connect("<<greeting>>", "\"set\"", "\"5\"");
    assert!(
        template_error("flow.json", &angle)
            .starts_with(&format!("{} `<<greeting>>`", at(&angle, "<<greeting>>"))),
        "{angle}"
    );
}

#[test]
fn a_quoted_template_in_a_target_a_key_or_a_number_is_an_input_error_at_it() {
    let target = connect("\"Press 1.\"", "\"{{sales_block}}\"", "\"5\"");
    assert_eq!(
        template_error("flow.json", &target),
        format!(
            "{} `{{{{sales_block}}}}` is a deploy-time template, and a transition names the block it goes to with it: the flow is not valid until it is substituted",
            at(&target, "{{sales_block}}")
        )
    );
    let number = connect("\"Press 1.\"", "\"set\"", "\"<<timeout>>\"");
    assert_eq!(
        template_error("flow.json", &number),
        format!(
            "{} `<<timeout>>` is a deploy-time template, and `InputTimeLimitSeconds` needs a value ivr can read: the flow is not valid until it is substituted",
            at(&number, "<<timeout>>")
        )
    );
}

#[test]
fn a_template_in_a_prompt_or_a_queue_name_is_kept_as_words_and_listed() {
    let out = imported_text(
        "flow.json",
        &connect("\"{{greeting}} Press 1.\"", "\"set\"", "\"5\""),
    );
    let _snapshots = common::snapshot_folder("import_templates");
    insta::assert_snapshot!("connect_words", out);
}

#[test]
fn twilio_liquid_variables_are_no_templates_but_a_templated_key_is() {
    let flow = |value: &str| {
        format!(
            r#"{{
  "initial_state": "Trigger",
  "states": [
    {{ "name": "Trigger", "type": "trigger", "transitions": [ {{ "event": "incomingCall", "next": "menu" }} ], "properties": {{}} }},
    {{ "name": "menu", "type": "gather-input-on-call", "transitions": [ {{ "event": "keypress", "next": "split" }} ],
      "properties": {{ "say": "Hello {{{{flow.data.name}}}}, {{{{greeting}}}}. Press 1.", "number_of_digits": 1 }} }},
    {{ "name": "split", "type": "split-based-on", "properties": {{ "input": "{{{{widgets.menu.Digits}}}}" }},
      "transitions": [
        {{ "event": "noMatch" }},
        {{ "event": "match", "next": "sales", "conditions": [ {{ "friendly_name": "1", "arguments": ["{{{{widgets.menu.Digits}}}}"], "type": "equal_to", "value": "{value}" }} ] }}
      ] }},
    {{ "name": "sales", "type": "enqueue-call", "transitions": [], "properties": {{ "queue_name": "<<sales_queue>>" }} }}
  ]
}}
"#
        )
    };
    let out = imported_text("flow.json", &flow("1"));
    assert!(
        out.contains("say: \"Hello {{flow.data.name}}, {{greeting}}. Press 1.\""),
        "{out}"
    );
    assert!(
        out.contains("`menu`: `{{greeting}}` in its prompt (line 5) is a deploy-time template, kept as written"),
        "{out}"
    );
    assert!(out.contains("`<<sales_queue>>` in its queue"), "{out}");
    assert!(!out.contains("`{{flow.data.name}}`"), "{out}");
    let keyed = flow("{{sales_key}}");
    assert_eq!(
        template_error("flow.json", &keyed),
        format!(
            "{} `{{{{sales_key}}}}` is a deploy-time template, and a condition on the digits compares them with it: the flow is not valid until it is substituted",
            at(&keyed, "{{sales_key}}")
        )
    );
}

#[test]
fn an_archy_substitution_unquoted_or_in_a_key_is_an_input_error() {
    let flow = |tts: &str, dtmf: &str| {
        format!(
            "inboundCall:\n  name: Subs\n  startUpRef: \"/inboundCall/menus/menu[Main]\"\n  menus:\n    - menu:\n        name: Main\n        refId: Main\n        audio: {{ tts: {tts} }}\n        choices:\n          - menuDisconnect:\n              name: Leave\n              dtmf: {dtmf}\n"
        )
    };
    let out = imported_text("flow.yaml", &flow("\"{{greeting}}, press 1.\"", "digit_1"));
    assert!(out.contains("say: \"{{greeting}}, press 1.\""), "{out}");
    assert!(out.contains("`{{greeting}}` in its prompt"), "{out}");
    let unquoted = flow("{{greeting}}", "digit_1");
    assert_eq!(
        template_error("flow.yaml", &unquoted),
        format!(
            "{} `{{{{greeting}}}}` is a deploy-time template, and YAML reads it unquoted as a mapping, not as the words it stands for: the flow is not valid until it is substituted",
            at(&unquoted, "{{greeting}}")
        )
    );
    let key = flow("Hi", "\"{{leave_key}}\"");
    assert_eq!(
        template_error("flow.yaml", &key),
        format!(
            "{} `{{{{leave_key}}}}` is a deploy-time template, and `dtmf` is part of the flow's structure: the flow is not valid until it is substituted",
            at(&key, "{{leave_key}}")
        )
    );
}

#[test]
fn xml_flows_keep_templates_in_prompts_and_stop_at_templated_keys() {
    let freeswitch = |digits: &str| {
        format!(
            "<include>\n  <menu name=\"main\" greet-long=\"say:{{{{greeting}}}} Press 1.\" timeout=\"5000\">\n    <entry action=\"menu-exec-app\" digits=\"{digits}\" param=\"transfer ${{sales}} XML default\"/>\n  </menu>\n</include>\n"
        )
    };
    let out = imported_text("ivr.xml", &freeswitch("1"));
    assert!(out.contains("say: \"{{greeting}} Press 1.\""), "{out}");
    let keyed = freeswitch("{{sales_key}}");
    assert_eq!(
        template_error("ivr.xml", &keyed),
        format!(
            "{} `{{{{sales_key}}}}` is a deploy-time template, and it is the key the entry answers to: the flow is not valid until it is substituted",
            at(&keyed, "{{sales_key}}")
        )
    );
    let vxml = |dtmf: &str, words: &str| {
        format!(
            "<vxml version=\"2.1\">\n  <menu id=\"main\">\n    <prompt>{words} Press 1.</prompt>\n    <choice dtmf=\"{dtmf}\" next=\"#bye\">sales</choice>\n  </menu>\n  <form id=\"bye\"><block>Bye.</block></form>\n</vxml>\n"
        )
    };
    let out = imported_text("start.vxml", &vxml("1", "{{greeting}}"));
    assert!(out.contains("{{greeting}} Press 1."), "{out}");
    let keyed = vxml("{{key}}", "Hi.");
    assert_eq!(
        template_error("start.vxml", &keyed),
        format!(
            "{} `{{{{key}}}}` is a deploy-time template, and it is the key a caller presses: the flow is not valid until it is substituted",
            at(&keyed, "{{key}}")
        )
    );
    // `<` opens a tag in XML: the parse stops at the template, which the error names.
    let angle = vxml("1", "<<greeting>>");
    assert_eq!(
        template_error("start.vxml", &angle),
        format!(
            "{} `<<greeting>>` is a deploy-time template, and XML does not allow it there: the flow is not valid until it is substituted",
            at(&angle, "<<greeting>>")
        )
    );
}

#[test]
fn a_dialplan_keeps_templated_sounds_and_stops_at_a_templated_extension() {
    let plan = |ext: &str| {
        format!(
            "[main]\nexten => s,1,Background({{{{greeting}}}})\n same => n,WaitExten(5)\nexten => {ext},1,Queue(<<sales_queue>>)\nexten => 2,1,Goto(${{DEST}},1)\n"
        )
    };
    let out = imported_text("extensions.conf", &plan("1"));
    assert!(out.contains("[{{greeting}}]"), "{out}");
    assert!(out.contains("queue: \"<<sales_queue>>\""), "{out}");
    let keyed = plan("{{sales_key}}");
    assert_eq!(
        template_error("extensions.conf", &keyed),
        format!(
            "{} `{{{{sales_key}}}}` is a deploy-time template, and it is an extension's name: the key a caller presses, or what `Goto` names: the flow is not valid until it is substituted",
            at(&keyed, "{{sales_key}}")
        )
    );
}

//! `ivr lsp` driven over stdio by a small JSON-RPC client (tests/common/lsp.rs): one scripted
//! conversation about a Chinese menu, where positions count UTF-16 code units (`𠮷` is two of
//! them), then the protocol's edge cases.

mod common;

use common::lsp::{LspClient, frame, uri};
use common::{scratch, write};
use serde_json::{Value, json};

/// A clean menu (no findings). Line 14 holds `𠮷`, outside the Basic Multilingual Plane: one
/// code point, two UTF-16 units, four bytes.
const MENU: &str = r#"menu: 测试热线
entry: 主菜单
defaults:
  on_fail: 人工
nodes:
  主菜单:
    say: 欢迎致电。
    options:
      - { key: 1, say: "查询账单请按1。", to: 账单, traffic: 0.6 }
      - { key: 2, say: "投诉请按2。", to: 投诉, traffic: 0.1 }
      - { key: 0, say: "人工服务请按0。", to: 人工, traffic: 0.3 }
  账单:
    say: 账单服务。
    options:
      - { key: 1, say: "𠮷祥余额查询请按1。", to: 余额, traffic: 0.9 }
      - { key: "*", say: "返回上级请按星号键。", to: 主菜单, traffic: 0.1 }
  余额:
    type: self_service
    say: 您的余额是一百元。
    serves: [balance]
  投诉:
    type: transfer
    complaint: true
    queue: complaints
  人工:
    type: transfer
    say: 正在为您转接。
    queue: general
"#;

fn at(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({ "start": at(line, start), "end": at(line, end) })
}

fn doc_at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": at(line, character) })
}

#[test]
fn a_scripted_conversation_about_a_chinese_menu() {
    let dir = scratch();
    // The disk holds a broken copy: the server must lint the editor's text, not this.
    let path = write(dir.path(), "热线.yaml", "menu: [unclosed\n");
    let uri = uri(&path);
    let (mut lsp, init) = LspClient::start(dir.path());

    // initialize: full text sync and every feature announced.
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"], 1);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert!(caps["completionProvider"].is_object());
    assert_eq!(init["serverInfo"]["name"], "ivr");

    // open: the clean text has no findings.
    lsp.open(&uri, MENU);
    assert_eq!(lsp.diagnostics(&uri), Vec::<Value>::new());

    // change: a misspelt target is reported at its exact range, in UTF-16 units: `余额额`
    // starts after 42 units on line 14 (41 code points, 60 bytes, because of `𠮷`); the node
    // it meant is now unreachable. Findings come in the order of the text.
    let broken = MENU.replace("to: 余额,", "to: 余额额,");
    lsp.change(&uri, 2, &broken);
    let diagnostics = lsp.diagnostics(&uri);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(
        codes,
        [&json!("unknown-target"), &json!("unreachable-node")]
    );
    assert_eq!(diagnostics[1]["range"], range(16, 2, 4));
    assert_eq!(diagnostics[1]["severity"], 2);
    let d = &diagnostics[0];
    assert_eq!(d["range"], range(14, 42, 45));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["code"], "unknown-target");
    assert_eq!(d["source"], "ivr");
    assert_eq!(
        d["message"],
        "`to` names `余额额`, which is not a node\nhelp: did you mean `余额`?"
    );

    // change back: the finding goes away.
    lsp.change(&uri, 3, MENU);
    assert_eq!(lsp.diagnostics(&uri), Vec::<Value>::new());

    // hover on `余额` in `to: 余额`: its type and the least inputs from entry, with the path.
    let hover = lsp.request("textDocument/hover", doc_at(&uri, 14, 43));
    assert_eq!(hover["range"], range(14, 42, 44));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["contents"]["value"],
        "**余额**: self_service\n\n2 inputs from `entry`: 主菜单 → 账单 → 余额\n\n> 您的余额是一百元。"
    );
    // Off any id (inside a prompt) there is nothing to say.
    let nothing = lsp.request("textDocument/hover", doc_at(&uri, 6, 10));
    assert_eq!(nothing, Value::Null);

    // definition: from the target to the node's key.
    let definition = lsp.request("textDocument/definition", doc_at(&uri, 14, 42));
    assert_eq!(definition, json!({ "uri": uri, "range": range(16, 2, 4) }));

    // references of `人工`: defaults.on_fail, the option's `to` and the key (not the prompt
    // that says 人工服务).
    let mut params = doc_at(&uri, 24, 3);
    params["context"] = json!({ "includeDeclaration": true });
    let references = lsp.request("textDocument/references", params.clone());
    let ranges: Vec<&Value> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"])
        .collect();
    assert_eq!(
        ranges,
        [&range(3, 11, 13), &range(10, 39, 41), &range(24, 2, 4)]
    );
    params["context"] = json!({ "includeDeclaration": false });
    let uses = lsp.request("textDocument/references", params);
    assert_eq!(uses.as_array().unwrap().len(), 2);

    // rename `账单` from its key: the key and the option that leads there, not the prompts.
    let mut params = doc_at(&uri, 11, 2);
    params["newName"] = json!("billing");
    let edit = lsp.request("textDocument/rename", params);
    assert_eq!(
        edit["changes"][&uri],
        json!([
            { "range": range(8, 39, 41), "newText": "billing" },
            { "range": range(11, 2, 4), "newText": "billing" },
        ])
    );
    // A name another node has is refused with the reason.
    let mut params = doc_at(&uri, 11, 2);
    params["newName"] = json!("人工");
    let refused = lsp.call("textDocument/rename", params);
    assert_eq!(
        refused["error"]["message"],
        "a node `人工` is already named in this menu"
    );

    // completion after `to: ` offers the node ids with their types; after `say: ` nothing.
    let completion = lsp.request("textDocument/completion", doc_at(&uri, 14, 42));
    let items: Vec<(String, String)> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("主菜单", "menu"),
        ("账单", "menu"),
        ("余额", "self_service"),
        ("投诉", "transfer"),
        ("人工", "transfer"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(items, expected);
    let in_prompt = lsp.request("textDocument/completion", doc_at(&uri, 6, 9));
    assert_eq!(in_prompt, json!([]));

    // inlay hints: the least inputs after each node's key.
    let hints = lsp.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": range(0, 0, 29) }),
    );
    let hints: Vec<(Value, Value)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["position"].clone(), h["label"].clone()))
        .collect();
    assert_eq!(
        hints,
        [
            (at(5, 6), json!("0 inputs")),
            (at(11, 5), json!("1 input")),
            (at(16, 5), json!("2 inputs")),
            (at(20, 5), json!("1 input")),
            (at(24, 5), json!("1 input")),
        ]
    );

    // document symbols: the node outline, with each node's type.
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let outline: Vec<(Value, Value, Value)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].clone(),
                s["detail"].clone(),
                s["selectionRange"].clone(),
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            (json!("主菜单"), json!("menu"), range(5, 2, 5)),
            (json!("账单"), json!("menu"), range(11, 2, 4)),
            (json!("余额"), json!("self_service"), range(16, 2, 4)),
            (json!("投诉"), json!("transfer"), range(20, 2, 4)),
            (json!("人工"), json!("transfer"), range(24, 2, 4)),
        ]
    );

    // shutdown and exit: exit code 0, nothing on stderr.
    let (code, stderr) = lsp.shutdown();
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn hover_on_a_rule_name_in_a_suppression_shows_its_documentation() {
    let dir = scratch();
    let path = dir.path().join("menu.yaml");
    let uri = uri(&path);
    let text = MENU.replace(
        "  余额:\n",
        "  余额: # ivr: allow(prompt-length) the balance is read out\n",
    );
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(&uri, &text);
    let diagnostics = lsp.diagnostics(&uri);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("unused-allow")]);
    // `prompt-length` starts at character 19 of line 16 (`  余额: # ivr: allow(`).
    let hover = lsp.request("textDocument/hover", doc_at(&uri, 16, 25));
    assert_eq!(hover["range"], range(16, 19, 32));
    let doc = hover["contents"]["value"].as_str().unwrap();
    assert!(doc.starts_with("# prompt-length"), "{doc}");
    assert!(doc.contains("## Why it matters"), "{doc}");
    lsp.shutdown();
}

#[test]
fn a_file_that_does_not_load_gets_its_input_error_and_completion_keeps_the_last_ids() {
    let dir = scratch();
    let path = dir.path().join("menu.yaml");
    let uri = uri(&path);
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(&uri, MENU);
    assert_eq!(lsp.diagnostics(&uri), Vec::<Value>::new());
    // Half typed: a block `to:` with no value yet and a bad indentation below.
    let typing = MENU.replace(
        "    serves: [balance]\n",
        "    serves: [balance]\n    to: \n  x\n",
    );
    lsp.change(&uri, 2, &typing);
    let diagnostics = lsp.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "input-error");
    let completion = lsp.request("textDocument/completion", doc_at(&uri, 20, 8));
    let labels: Vec<&Value> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["label"])
        .collect();
    assert_eq!(
        labels,
        [
            &json!("主菜单"),
            &json!("账单"),
            &json!("余额"),
            &json!("投诉"),
            &json!("人工")
        ]
    );
    lsp.shutdown();
}

#[test]
fn bad_requests_get_errors_and_the_server_carries_on() {
    let dir = scratch();
    let path = dir.path().join("menu.yaml");
    let uri = uri(&path);
    let (mut lsp, _) = LspClient::start(dir.path());
    // Parameters of the wrong shape: InvalidParams.
    let bad = lsp.call("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(bad["error"]["code"], -32602);
    // A method the server does not know: MethodNotFound.
    let unknown = lsp.call("workspace/frobnicate", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // A notification with bad parameters is ignored; a request about a file never opened
    // answers null.
    lsp.notify("textDocument/didOpen", json!({ "textDocument": 7 }));
    let nothing = lsp.request("textDocument/hover", doc_at(&uri, 0, 0));
    assert_eq!(nothing, Value::Null);
    // Still serving.
    lsp.open(&uri, MENU);
    assert_eq!(lsp.diagnostics(&uri), Vec::<Value>::new());
    let (code, stderr) = lsp.shutdown();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_stream_that_is_not_the_protocol_ends_the_server_with_a_message_not_a_panic() {
    let dir = scratch();
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.write_raw(&frame("{{{{ not json"));
    let (code, stderr) = lsp.finish();
    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert!(stderr.contains("ivr lsp stopped"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// With traffic, hover adds the share of calls that reach the node and how the calls ending
/// there end: the exact solver's figures, the same `ivr sim --exact` reports.
#[test]
fn hover_with_traffic_gives_the_share_of_calls_as_ivr_sim_does() {
    let menu = common::root().join("menus/tutorial.yaml");
    let text = std::fs::read_to_string(&menu).unwrap();
    let sim = common::sim_json(&[menu.to_str().unwrap(), "--exact"]);
    let node = sim["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "order_status")
        .unwrap();
    let percent = |v: &Value| format!("{:.1}%", v.as_f64().unwrap() * 100.0);
    let expected = format!(
        "With traffic: {} of calls reach it; calls ending here: {} self-served",
        percent(&node["reached"]),
        percent(&node["ended"]["self_served"]),
    );

    let uri = uri(&menu);
    let (mut lsp, _) = LspClient::start(common::root());
    lsp.open(&uri, &text);
    assert_eq!(lsp.diagnostics(&uri), Vec::<Value>::new());
    let line = text.lines().position(|l| l == "  order_status:").unwrap() as u32;
    let hover = lsp.request("textDocument/hover", doc_at(&uri, line, 4));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains(&expected), "{value}\nwanted: {expected}");
    lsp.shutdown();
}

/// `.ivr.yaml` is checked as a configuration as you type; an intents file gets its load errors.
#[test]
fn configuration_and_intents_files_get_their_load_errors() {
    let dir = scratch();
    let config = uri(&dir.path().join(".ivr.yaml"));
    let intents = uri(&dir.path().join("shop.intents.yaml"));
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(
        &config,
        "rules:\n  prompt-length: warning\nexclud: [old/**]\n",
    );
    let diagnostics = lsp.diagnostics(&config);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "input-error");
    assert_eq!(diagnostics[0]["range"]["start"], at(2, 0));
    lsp.change(
        &config,
        2,
        "rules:\n  prompt-length: warning\nexclude: [old/**]\n",
    );
    assert_eq!(lsp.diagnostics(&config), Vec::<Value>::new());

    lsp.open(&intents, "intents:\n  track_order: -3\n");
    let diagnostics = lsp.diagnostics(&intents);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "input-error");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 1);
    lsp.shutdown();
}

/// A decision's branches name nodes too: references and rename follow them.
#[test]
fn rename_follows_a_decision_s_branches() {
    let dir = scratch();
    let path = dir.path().join("menu.yaml");
    let uri = uri(&path);
    let text = "menu: Hours
entry: hours
nodes:
  hours:
    type: decision
    branches:
      - { when: open, share: 0.8, to: desk }
      - { when: closed, share: 0.2, to: closed }
  desk:
    type: transfer
    queue: general
  closed:
    type: hangup
    say: We are closed.
";
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(&uri, text);
    lsp.diagnostics(&uri);
    let mut params = doc_at(&uri, 8, 3);
    params["newName"] = json!("front_desk");
    let edit = lsp.request("textDocument/rename", params);
    assert_eq!(
        edit["changes"][&uri],
        json!([
            { "range": range(6, 38, 42), "newText": "front_desk" },
            { "range": range(8, 2, 6), "newText": "front_desk" },
        ])
    );
    lsp.shutdown();
}

fn code_actions(lsp: &mut LspClient, uri: &str, range: &Value, only: Option<&str>) -> Value {
    let mut context = json!({ "diagnostics": [] });
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
    )
}

/// Every fix a finding carries is offered as a code action, its edits at UTF-16 positions
/// (`𠮷` counts two units); safe ones are the preferred fix. "Apply every safe ivr fix" does
/// them all at once.
#[test]
fn code_actions_offer_each_finding_s_fix_at_utf16_positions() {
    let dir = scratch();
    let uri = uri(&dir.path().join("menu.yaml"));
    let (mut lsp, init) = LspClient::start(dir.path());
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll"])
    );

    // A prompt cut by a comma: the file does not load, and its input error carries the fix.
    let cut = MENU.replace(r#"say: "查询账单请按1。""#, "say: 𠮷查询账单, 请按1。");
    lsp.open(&uri, &cut);
    let diagnostics = lsp.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    let actions = code_actions(&mut lsp, &uri, &d["range"], None);
    assert_eq!(
        actions,
        json!([
            {
                "title": "quote the whole prompt",
                "kind": "quickfix",
                "diagnostics": [d],
                "isPreferred": true,
                "edit": { "changes": { &uri: [
                    { "range": range(8, 23, 35), "newText": "\"𠮷查询账单, 请按1。\"" }
                ] } },
            },
            {
                "title": "Apply every safe ivr fix",
                "kind": "source.fixAll",
                "edit": { "changes": { &uri: [
                    { "range": range(8, 23, 35), "newText": "\"𠮷查询账单, 请按1。\"" }
                ] } },
            },
        ])
    );

    // Two suppressions that silence nothing, one with `𠮷` in its reason: each its own fix.
    let unused = MENU
        .replace(
            "  余额:\n",
            "  余额: # ivr: allow(prompt-length) 𠮷 is read out\n",
        )
        .replace("  人工:\n", "  人工: # ivr: allow(reentry)\n");
    lsp.change(&uri, 2, &unused);
    let diagnostics = lsp.diagnostics(&uri);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("unused-allow"), &json!("unused-allow")]);
    let first = code_actions(&mut lsp, &uri, &range(16, 20, 20), Some("quickfix"));
    assert_eq!(first.as_array().unwrap().len(), 1, "{first:#}");
    assert_eq!(first[0]["title"], "remove the allow of `prompt-length`");
    assert_eq!(first[0]["isPreferred"], true);
    assert_eq!(
        first[0]["edit"]["changes"][&uri],
        json!([{ "range": range(16, 5, 48), "newText": "" }])
    );
    let all = code_actions(&mut lsp, &uri, &range(0, 0, 0), Some("source.fixAll"));
    assert_eq!(
        all,
        json!([{
            "title": "Apply every safe ivr fix",
            "kind": "source.fixAll",
            "edit": { "changes": { &uri: [
                { "range": range(16, 5, 48), "newText": "" },
                { "range": range(24, 5, 27), "newText": "" },
            ] } },
        }])
    );
    // Away from any finding, no quick fix.
    let none = code_actions(&mut lsp, &uri, &range(2, 0, 0), Some("quickfix"));
    assert_eq!(none, json!([]));
    lsp.shutdown();
}

/// Helpers for the re-linting test: a menu `a.yaml` with traffic and a flow to `b.yaml`.
const A: &str = "menu: A
entry: main
traffic: shop.intents.yaml
nodes:
  main:
    say: Welcome.
    options:
      - { key: 1, say: For your balance press 1., to: balance }
      - { key: 2, say: For cards press 2., to: cards }
  balance:
    type: self_service
    serves: [balance]
  cards:
    type: flow
    file: b.yaml
";

const B: &str = "menu: B
entry: desk
nodes:
  desk:
    type: transfer
    queue: cards
    serves: [cards]
";

/// The settings of the re-linting test: rules these small menus break are off.
const RULES: &str = "rules:\n  complaint-standalone: off\n  reentry: off\n  popular-first: off\n";

const C: &str = "menu: C
entry: bye
nodes:
  bye:
    type: hangup
    say: Goodbye.
";

/// A change re-lints the file and the open files whose findings depend on it, and no other:
/// the menu whose `traffic:` names a changed intents file, the menu whose flow node joins a
/// changed menu, every menu under a changed `.ivr.yaml`. They read the other files from the
/// editor's text, unsaved; closing one goes back to the disk's copy. An intent no node serves
/// is shown in the intents file.
#[test]
fn a_change_re_lints_the_files_that_depend_on_it_and_only_those() {
    let dir = scratch();
    let intents_text = "intents:\n  balance: 70\n  cards: 30\n";
    let names = [
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "shop.intents.yaml",
        ".ivr.yaml",
    ];
    let texts = [A, B, C, intents_text, RULES];
    let uris = names.map(|name| uri(&dir.path().join(name)));
    for (name, text) in names.iter().zip(texts) {
        write(dir.path(), name, text);
    }
    let [a, b, c, intents, config] = uris.clone();
    let (mut lsp, _) = LspClient::start(dir.path());
    for (uri, text) in uris.iter().zip(texts) {
        lsp.open(uri, text);
    }
    lsp.published();
    // What a change published: each file's name and the codes of its diagnostics.
    let changed = |lsp: &mut LspClient, uri: &str, version: i64, text: &str| {
        lsp.change(uri, version, text);
        let published = lsp.published();
        published
            .iter()
            .map(|(uri, diagnostics)| {
                let name = names[uris.iter().position(|u| u == uri).unwrap()];
                let codes: Vec<&str> = diagnostics
                    .iter()
                    .map(|d| d["code"].as_str().unwrap())
                    .collect();
                format!("{name}: {}", codes.join(" "))
            })
            .collect::<Vec<String>>()
    };

    // The intents file gains an intent nobody serves: the menu that names it as its traffic
    // is re-linted with the unsaved text and the finding shows in the intents file.
    let more = "intents:\n  balance: 70\n  cards: 30\n  lost_card: 5\n";
    assert_eq!(
        changed(&mut lsp, &intents, 2, more),
        ["a.yaml: ", "shop.intents.yaml: intent-coverage"]
    );

    // The joined menu serves `lost_card` too: `a.yaml` judges coverage over both files.
    let both = B.replace("serves: [cards]", "serves: [cards, lost_card]");
    assert_eq!(
        changed(&mut lsp, &b, 2, &both),
        ["a.yaml: ", "b.yaml: ", "shop.intents.yaml: "]
    );

    // `b.yaml` half typed, so that it does not load: the hand-off in `a.yaml` is reported.
    let broken = "menu: B\nnodes: [\n";
    // Without it no agent is in reach, and `cards` and `lost_card` are served by no node.
    assert_eq!(
        changed(&mut lsp, &b, 3, broken),
        [
            "a.yaml: agent-depth unknown-target",
            "b.yaml: input-error",
            "shop.intents.yaml: intent-coverage intent-coverage"
        ]
    );

    // `.ivr.yaml` turns coverage off: every open menu under it is re-linted (not `b.yaml`,
    // which does not load, so no rule runs on it).
    let off = format!("{RULES}  intent-coverage: off\n");
    assert_eq!(
        changed(&mut lsp, &config, 2, &off),
        [
            ".ivr.yaml: ",
            "a.yaml: agent-depth unknown-target",
            "c.yaml: agent-depth",
            "shop.intents.yaml: "
        ]
    );

    // Closing `b.yaml` without saving: `a.yaml` reads the disk's copy again.
    lsp.close(&b);
    let published = lsp.published();
    assert_eq!(published[&b], Vec::<Value>::new());
    assert_eq!(published[&a], Vec::<Value>::new());

    // A change to `c.yaml`, on which nothing depends, re-lints `c.yaml` alone.
    assert_eq!(
        changed(&mut lsp, &c, 2, &C.replace("Goodbye.", "Bye.")),
        ["c.yaml: agent-depth"]
    );
    lsp.shutdown();
}

/// Hover on an option's key: where it leads, in how many inputs, and with traffic how often it
/// is taken, the exact solver's figure that `ivr sim --exact` reports for the edge.
#[test]
fn hover_on_a_key_says_where_it_leads_and_how_often_it_is_taken() {
    let menu = common::root().join("menus/tutorial.yaml");
    let text = std::fs::read_to_string(&menu).unwrap();
    let sim = common::sim_json(&[menu.to_str().unwrap(), "--exact"]);
    let edge = |key: &str| {
        sim["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == "main" && e["key"] == key)
            .unwrap()["traversals"]["mean"]
            .as_f64()
            .unwrap()
    };
    let visits = sim["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "main")
        .unwrap()["visits"]["mean"]
        .as_f64()
        .unwrap();
    let uri = uri(&menu);
    let (mut lsp, _) = LspClient::start(common::root());
    lsp.open(&uri, &text);
    lsp.diagnostics(&uri);
    let line = text.lines().position(|l| l.contains("{ key: 2,")).unwrap() as u32;
    let hover = lsp.request("textDocument/hover", doc_at(&uri, line, 15));
    assert_eq!(hover["range"], range(line, 15, 16));
    assert_eq!(
        hover["contents"]["value"],
        format!(
            "**key 2** at `main` → `returns`: menu (1 input from `entry`)\n\n\
             > For returns and refunds, press 2.\n\n\
             With traffic: taken {:.1} times per 100 calls ({:.1}% of the visits to `main`)",
            edge("2") * 100.0,
            edge("2") / visits * 100.0
        )
    );
    lsp.shutdown();
}

/// In `.ivr.yaml`, hover on a rule's name shows its documentation.
#[test]
fn hover_on_a_rule_name_in_the_configuration_shows_its_documentation() {
    let dir = scratch();
    let config = uri(&dir.path().join(".ivr.yaml"));
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(&config, RULES);
    lsp.diagnostics(&config);
    let hover = lsp.request("textDocument/hover", doc_at(&config, 2, 4));
    assert_eq!(hover["range"], range(2, 2, 9));
    let doc = hover["contents"]["value"].as_str().unwrap();
    assert!(doc.starts_with("# reentry\n"), "{doc}");
    assert!(doc.contains("## What it checks"), "{doc}");
    lsp.shutdown();
}

/// Go to definition on `traffic:` and `file:` opens the file they name, on an intent in
/// `serves` its line in the intents file; find references lists every open menu naming the
/// same file, or serving the same intent.
#[test]
fn definition_and_references_follow_paths_and_intents_across_files() {
    let dir = scratch();
    let intents_text = "intents:\n  balance: 70\n  cards: 30\n";
    let names = ["a.yaml", "b.yaml", "shop.intents.yaml"];
    let texts = [A, B, intents_text];
    let [a, b, intents] = names.map(|name| uri(&write(dir.path(), name, "")));
    for (name, text) in names.iter().zip(texts) {
        write(dir.path(), name, text);
    }
    // A second menu on the same traffic, handing over to the same file.
    let a2 = uri(&write(dir.path(), "a2.yaml", A));
    let (mut lsp, _) = LspClient::start(dir.path());
    lsp.open(&a, A);
    lsp.open(&a2, A);
    lsp.published();
    let start = json!({ "start": at(0, 0), "end": at(0, 0) });

    // `traffic: shop.intents.yaml` (line 2) and `file: b.yaml` (line 14).
    let traffic = lsp.request("textDocument/definition", doc_at(&a, 2, 12));
    assert_eq!(traffic, json!({ "uri": intents, "range": start }));
    let file = lsp.request("textDocument/definition", doc_at(&a, 14, 10));
    assert_eq!(file, json!({ "uri": b, "range": start }));

    let mut params = doc_at(&a, 14, 10);
    params["context"] = json!({ "includeDeclaration": true });
    let references = lsp.request("textDocument/references", params);
    assert_eq!(
        references,
        json!([
            { "uri": b, "range": start },
            { "uri": a, "range": range(14, 10, 16) },
            { "uri": a2, "range": range(14, 10, 16) },
        ])
    );

    // `serves: [balance]` (line 11): the intent's name in the intents file.
    let intent = lsp.request("textDocument/definition", doc_at(&a, 11, 14));
    assert_eq!(intent, json!({ "uri": intents, "range": range(1, 2, 9) }));
    let mut params = doc_at(&a, 11, 14);
    params["context"] = json!({ "includeDeclaration": false });
    let uses = lsp.request("textDocument/references", params);
    assert_eq!(
        uses,
        json!([
            { "uri": a, "range": range(11, 13, 20) },
            { "uri": a2, "range": range(11, 13, 20) },
        ])
    );
    lsp.shutdown();
}

/// The labels of a completion.
fn labels(completion: &Value) -> Vec<String> {
    completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// Completion knows where the cursor is: a node's fields by its type (those not written yet),
/// an option's fields, the top level's; the values of `type`; intent names in `serves` from
/// the traffic file; rule names in `.ivr.yaml`. Also while the file is half typed.
#[test]
fn completion_of_field_names_by_context_and_of_intents_in_serves() {
    let dir = scratch();
    let menu = uri(&dir.path().join("menu.yaml"));
    let (mut lsp, _) = LspClient::start(dir.path());

    // A transfer node's fields, less `type`, `say` and `queue` which it has; with their
    // descriptions, inserted with their colon.
    let text = MENU.replace("    queue: general\n", "    queue: general\n    \n");
    lsp.open(&menu, &text);
    lsp.diagnostics(&menu);
    let fields = lsp.request("textDocument/completion", doc_at(&menu, 28, 4));
    assert_eq!(
        labels(&fields),
        ["duration", "complaint", "label", "lint", "serves"]
    );
    assert_eq!(fields[4]["kind"], 5);
    assert_eq!(fields[4]["insertText"], "serves: ");
    assert!(
        fields[4]["documentation"]
            .as_str()
            .unwrap()
            .contains("intent"),
        "{fields:#}"
    );

    // The top level, less what the menu has.
    let text = MENU.replace("defaults:\n", "\ndefaults:\n");
    lsp.change(&menu, 2, &text);
    lsp.diagnostics(&menu);
    let top = lsp.request("textDocument/completion", doc_at(&menu, 2, 0));
    assert_eq!(labels(&top), ["traffic", "speech"]);

    // An option half typed in flow style (the file does not load): an option's fields, less
    // `key`.
    let typing = MENU.replace("      - { key: 0,", "      - { key: 9, \n      - { key: 0,");
    lsp.change(&menu, 3, &typing);
    lsp.diagnostics(&menu);
    let option = lsp.request("textDocument/completion", doc_at(&menu, 10, 18));
    assert_eq!(labels(&option), ["say", "to", "traffic", "duration"]);

    // The values of `type`, with what each does.
    let typing = MENU.replace("    type: self_service\n", "    type: \n");
    lsp.change(&menu, 4, &typing);
    lsp.diagnostics(&menu);
    let types = lsp.request("textDocument/completion", doc_at(&menu, 17, 10));
    assert_eq!(
        labels(&types),
        [
            "menu",
            "input",
            "message",
            "self_service",
            "transfer",
            "hangup",
            "decision",
            "flow",
            "speech"
        ]
    );
    assert!(
        types[3]["documentation"]
            .as_str()
            .unwrap()
            .contains("serves")
    );

    // Intents in `serves`, from the traffic file, with their share of calls: in a flow list
    // and as a block list item.
    write(
        dir.path(),
        "shop.intents.yaml",
        "intents:\n  balance: 70\n  cards: 30\n",
    );
    let a = uri(&write(dir.path(), "a.yaml", A));
    lsp.open(&a, A);
    lsp.diagnostics(&a);
    let intents = lsp.request("textDocument/completion", doc_at(&a, 11, 13));
    assert_eq!(labels(&intents), ["balance", "cards"]);
    assert_eq!(intents[0]["detail"], "intent, 70.0% of calls");
    let block = A.replace("serves: [balance]", "serves:\n      - ");
    lsp.change(&a, 2, &block);
    lsp.diagnostics(&a);
    let items = lsp.request("textDocument/completion", doc_at(&a, 12, 8));
    assert_eq!(labels(&items), ["balance", "cards"]);

    // Rule names under `rules:` in `.ivr.yaml`, less those already set.
    let config = uri(&dir.path().join(".ivr.yaml"));
    lsp.open(&config, &format!("{RULES}  \n"));
    lsp.diagnostics(&config);
    let rules = labels(&lsp.request("textDocument/completion", doc_at(&config, 4, 2)));
    assert!(rules.contains(&"prompt-length".to_string()), "{rules:?}");
    assert!(!rules.contains(&"reentry".to_string()), "{rules:?}");
    lsp.change(&config, 2, &format!("{RULES}  prompt-length: \n"));
    lsp.diagnostics(&config);
    let severity = lsp.request("textDocument/completion", doc_at(&config, 4, 17));
    assert_eq!(labels(&severity), ["error", "warning", "info", "off"]);
    lsp.shutdown();
}

/// An editor that can watch files is asked to report YAML files changed on disk; when the
/// intents file a menu names changes on disk (a `git checkout`), the open menu is linted again.
#[test]
fn files_changed_on_disk_re_lint_the_open_menus_that_depend_on_them() {
    let dir = scratch();
    let intents = write(
        dir.path(),
        "shop.intents.yaml",
        "intents:\n  balance: 70\n  cards: 30\n",
    );
    write(dir.path(), "b.yaml", B);
    write(dir.path(), ".ivr.yaml", RULES);
    let a = uri(&write(dir.path(), "a.yaml", A));
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut lsp, _) = LspClient::start_with(dir.path(), watching);
    let (method, params) = lsp.server_request();
    assert_eq!(method, "client/registerCapability");
    assert_eq!(
        params["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    assert_eq!(
        params["registrations"][0]["registerOptions"]["watchers"],
        json!([{ "globPattern": "**/*.{yaml,yml}" }])
    );
    lsp.open(&a, A);
    assert_eq!(lsp.diagnostics(&a), Vec::<Value>::new());

    std::fs::write(&intents, "intents:\n  balances: 70\n  cards: 30\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&intents), "type": 2 }] }),
    );
    let diagnostics = lsp.diagnostics(&a);
    let messages: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`balance` serves `balance`, which the intents file does not list\nhelp: did you mean `balances`?"
        ]
    );
    lsp.shutdown();
}

use std::sync::Arc;

use super::*;
use crate::source::SourceFile;

fn source(text: &str) -> Arc<SourceFile> {
    SourceFile::new("test.yaml", text.to_string())
}

fn parse_text(text: &str) -> Result<(Arc<SourceFile>, Node), String> {
    parse_with(text, &Limits::DEFAULT)
}

fn parse_with(text: &str, limits: &Limits) -> Result<(Arc<SourceFile>, Node), String> {
    let source = source(text);
    match parse(&source, limits) {
        Ok(node) => Ok((source, node)),
        Err(error) => {
            let error = Box::<crate::diagnostic::Diagnostic>::from(error);
            Err(format!(
                "{} at {}",
                error.render(crate::diagnostic::RenderStyle::PLAIN),
                error.location()
            ))
        }
    }
}

/// The value of `key` in the root mapping.
fn get<'n>(root: &'n Node, source: &SourceFile, key: &str) -> &'n Node {
    root.as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text(source).as_deref() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no key `{key}`"))
}

fn scalar(text: &str) -> Value {
    let (source, root) = parse_text(&format!("v: {text}\n")).unwrap();
    get(&root, &source, "v").value.clone()
}

#[test]
fn plain_scalars_resolve_by_the_core_schema() {
    for null in ["~", "null", "Null", "NULL", ""] {
        assert!(matches!(scalar(null), Value::Null), "{null}");
    }
    for (text, b) in [
        ("true", true),
        ("True", true),
        ("TRUE", true),
        ("false", false),
    ] {
        assert!(matches!(scalar(text), Value::Bool(v) if v == b), "{text}");
    }
    for (text, i) in [
        ("12", 12),
        ("-12", -12),
        ("+12", 12),
        ("012", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("-0x1F", -31),
    ] {
        assert!(matches!(scalar(text), Value::Int(v) if v == i), "{text}");
    }
    for (text, f) in [
        ("1.5", 1.5),
        ("-1.5e3", -1500.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("+.5", 0.5),
        ("1.5E+3", 1500.0),
        ("9223372036854775808", 9_223_372_036_854_775_808.0),
    ] {
        assert!(matches!(scalar(text), Value::Float(v) if v == f), "{text}");
    }
    for text in [".inf", ".Inf", ".INF", "+.inf", "1e999"] {
        assert!(
            matches!(scalar(text), Value::Float(v) if v == f64::INFINITY),
            "{text}"
        );
    }
    assert!(matches!(scalar("-.inf"), Value::Float(v) if v == f64::NEG_INFINITY));
    for text in [".nan", ".NaN", ".NAN"] {
        assert!(
            matches!(scalar(text), Value::Float(v) if v.is_nan()),
            "{text}"
        );
    }
    for text in [
        "yes",
        "no",
        "on",
        "tRue",
        "0X1F",
        "0b101",
        "1_000",
        "-.nan",
        "inf",
        "nan",
        "1e",
        "+",
        ".",
        "0x",
        "0o8",
        "1:2",
        "2001-12-14",
    ] {
        assert!(matches!(scalar(text), Value::Str(s) if s == text), "{text}");
    }
}

#[test]
fn quoted_block_and_str_tagged_scalars_are_strings() {
    for (text, expected) in [
        ("\"12\"", "12"),
        ("'true'", "true"),
        ("\"~\"", "~"),
        ("!!str 12", "12"),
        ("! 12", "12"),
        ("!!str", ""),
        ("|\n  a\n  b", "a\nb\n"),
        (">\n  a\n  b", "a b\n"),
    ] {
        assert!(
            matches!(scalar(text), Value::Str(s) if s == expected),
            "{text}"
        );
    }
}

#[test]
fn core_schema_tags_read_the_value_as_their_kind() {
    assert!(matches!(scalar("!!int \"12\""), Value::Int(12)));
    assert!(matches!(scalar("!!int 0x1F"), Value::Int(31)));
    assert!(matches!(scalar("!!float 3"), Value::Float(f) if f == 3.0));
    assert!(matches!(scalar("!!float '2.5'"), Value::Float(f) if f == 2.5));
    assert!(matches!(scalar("!!bool \"true\""), Value::Bool(true)));
    assert!(matches!(scalar("!!null \"\""), Value::Null));
    assert!(matches!(scalar("!!null ~"), Value::Null));
    assert!(matches!(
        scalar("!<tag:yaml.org,2002:int> 7"),
        Value::Int(7)
    ));
    assert!(matches!(scalar("!!int |\n  12"), Value::Int(12)));
    assert!(matches!(scalar("!!map {a: 1}"), Value::Map(_)));
    assert!(matches!(scalar("!!seq [1]"), Value::Seq(_)));
    assert!(matches!(scalar("! {a: 1}"), Value::Map(_)));
}

#[test]
fn other_tags_are_errors_at_the_tag() {
    for (text, tag, at) in [
        ("v: !!binary aGVsbG8=\n", "!!binary", "1:4"),
        (
            "v: !!python/object:os.system {}\n",
            "!!python/object:os.system",
            "1:4",
        ),
        ("a: 1\nv: !custom\n  k: 1\n", "!custom", "2:4"),
        (
            "v:\n  - !<tag:example.com,2000:x> 1\n",
            "!<tag:example.com,2000:x>",
            "2:5",
        ),
        ("v: !!timestamp 2001-12-14\n", "!!timestamp", "1:4"),
        ("v: !!set {a, b}\n", "!!set", "1:4"),
        ("v: !!binary\n", "!!binary", "1:4"),
        ("!!omap [a: 1]\n", "!!omap", "1:1"),
    ] {
        let error = parse_text(text).unwrap_err();
        assert!(
            error.contains(&format!("the YAML tag `{tag}` is not supported")),
            "{text:?}: {error}"
        );
        assert!(error.ends_with(at), "{text:?}: {error}");
    }
}

#[test]
fn a_core_tag_on_a_value_of_another_kind_is_an_error() {
    for (text, says, at) in [
        ("v: !!int abc\n", "an integer", "1:4"),
        ("v: !!int 1.5\n", "an integer", "1:4"),
        ("v: !!bool yes\n", "true or false", "1:4"),
        ("v: !!null x\n", "nothing (null)", "1:4"),
        ("v: !!float \"\"\n", "a number", "1:4"),
        ("v: !!map [1]\n", "a mapping", "1:4"),
        ("v: !!seq {a: 1}\n", "a list", "1:4"),
        ("v: !!str [1]\n", "text", "1:4"),
        ("v: !!seq x\n", "a list", "1:4"),
    ] {
        let error = parse_text(text).unwrap_err();
        assert!(
            error.contains(&format!("says the value is {says}, but it is not")),
            "{text:?}: {error}"
        );
        assert!(error.ends_with(at), "{text:?}: {error}");
    }
}

#[test]
fn plain_scalar_spans_cover_the_text() {
    let (source, root) = parse_text("a:   spaced value   \nb: multi\n  line\nc: 1.50\n").unwrap();
    assert_eq!(source.slice(get(&root, &source, "a").span), "spaced value");
    assert_eq!(source.slice(get(&root, &source, "b").span), "multi\n  line");
    let c = get(&root, &source, "c");
    assert_eq!(c.as_text(&source).as_deref(), Some("1.50"));
}

#[test]
fn aliases_copy_the_anchored_value_and_are_used_at_the_alias() {
    let text = "a: &m {k: 1, j: [2, 3]}\nb: *m\n";
    let (source, root) = parse_text(text).unwrap();
    let b = get(&root, &source, "b");
    assert_eq!(source.slice(b.span), "*m");
    assert_eq!(source.slice(b.defined), "{");
    let j = get(b, &source, "j");
    assert_eq!(source.slice(j.span), "*m");
    assert_eq!(source.slice(j.defined), "[");
    assert!(matches!(&j.value, Value::Seq(items) if items.len() == 2));
    let one = get(b, &source, "k");
    assert_eq!(one.as_text(&source).as_deref(), Some("1"));
}

#[test]
fn merge_keys_explicit_keys_win_then_earlier_sources() {
    let text = "b: &b {a: 1, b: 2}\no: &o {b: 3, c: 4}\nx:\n  <<: [*b, *o]\n  b: 9\ny: {<<: {q: 1}, r: 2}\nz: {<<: ~, s: 1}\n";
    let (source, root) = parse_text(text).unwrap();
    let x = get(&root, &source, "x");
    let keys: Vec<String> = x
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.as_text(&source).unwrap(),
                v.as_text(&source).unwrap()
            )
        })
        .collect();
    assert_eq!(keys, ["b=9", "a=1", "c=4"]);
    let a = get(x, &source, "a");
    assert_eq!(source.slice(a.span), "*b");
    let c = get(x, &source, "c");
    assert_eq!(source.slice(c.span), "*o");
    let y = get(&root, &source, "y");
    assert_eq!(source.slice(get(y, &source, "q").span), "{");
    assert_eq!(get(&root, &source, "z").as_map().unwrap().len(), 1);
}

#[test]
fn merge_of_a_scalar_is_an_error() {
    let error = parse_text("a:\n  <<: 1\n").unwrap_err();
    assert!(error.contains("merge value must be mapping"), "{error}");
    assert!(error.ends_with("test.yaml:2:7"), "{error}");
}

#[test]
fn an_alias_inside_its_own_anchor_is_an_error() {
    let error = parse_text("a: &a [1, *a]\n").unwrap_err();
    assert!(error.contains("the alias `*a` is used inside"), "{error}");
    assert!(error.ends_with("test.yaml:1:11"), "{error}");
}

#[test]
fn a_second_document_is_an_error_where_it_starts() {
    for (text, at) in [
        ("a: 1\n---\nb: 2\n", "3:1"),
        ("a: 1\n...\nb: 2\n", "3:1"),
        ("a: 1\n---\n", "2:4"),
    ] {
        let error = parse_text(text).unwrap_err();
        assert!(error.contains("more than one YAML document"), "{error}");
        assert!(error.ends_with(at), "{text:?}: {error}");
    }
    assert!(parse_text("---\na: 1\n...\n").is_ok());
}

#[test]
fn limits_stop_where_they_are_reached() {
    let limits = Limits::DEFAULT;
    // Root mapping plus 31 brackets is 32 levels; one more is too deep.
    let ok = format!("a: {}{}\n", "[".repeat(31), "]".repeat(31));
    assert!(parse_with(&ok, &limits).is_ok());
    let deep = format!("a: {}{}\n", "[".repeat(32), "]".repeat(32));
    let error = parse_with(&deep, &limits).unwrap_err();
    assert!(
        error.contains("(max_depth)") && error.ends_with("1:35"),
        "{error}"
    );

    // An alias that would nest too deep stops at the alias.
    let text = format!(
        "a: &a {}x{}\nb: {}*a{}\n",
        "[".repeat(20),
        "]".repeat(20),
        "[".repeat(20),
        "]".repeat(20)
    );
    let error = parse_with(&text, &limits).unwrap_err();
    assert!(
        error.contains("(max_depth)") && error.ends_with("2:24"),
        "{error}"
    );

    let small = Limits {
        max_nodes: 25,
        max_aliases: 2,
        max_file_bytes: 30,
        ..Limits::DEFAULT
    };
    let error = parse_with("a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: *a\nc: *a\n", &small).unwrap_err();
    assert!(
        error.contains("(max_nodes)") && error.ends_with("3:4"),
        "{error}"
    );
    let error = parse_with("a: &a x\nb: [*a, *a, *a]\n", &small).unwrap_err();
    assert!(
        error.contains("alias uses") && error.ends_with("2:13"),
        "{error}"
    );
    let error = parse_with("a: [&a x, &b y, &c z]\n", &small).unwrap_err();
    assert!(
        error.contains("anchors") && error.ends_with("1:20"),
        "{error}"
    );
    let error = parse_with("a: &a 0123456789\nb: [*a, *a]\n", &small).unwrap_err();
    assert!(
        error.contains("(max_file_bytes)") && error.ends_with("2:9"),
        "{error}"
    );
    let error = parse_with(
        "m: &m {a: 1}\nl: [{<<: *m}, {<<: *m}, {<<: *m}]\n",
        &Limits {
            max_aliases: 2,
            ..Limits::DEFAULT
        },
    )
    .unwrap_err();
    assert!(
        error.contains("merge keys") && error.ends_with("2:26"),
        "{error}"
    );
}

#[test]
fn billion_laughs_stop_quickly() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let error = parse_text(&text).unwrap_err();
    assert!(error.contains("(max_nodes)"), "{error}");
}

#[test]
fn deep_nesting_needs_no_big_stack() {
    // The tree is built without recursion: 20,000 brackets stop at the depth limit on a
    // thread with a small stack.
    let text = format!("a: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let error = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || parse_text(&text).unwrap_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(error.contains("(max_depth)"), "{error}");
}

#[test]
fn syntax_errors_keep_the_parser_message() {
    let error = parse_text("a: *nope\n").unwrap_err();
    assert!(error.contains("alias references unknown anchor"), "{error}");
    let error = parse_text("a: [1, 2\n").unwrap_err();
    assert!(error.contains("unclosed bracket '['"), "{error}");
}

use crate::callers::CallerModel;
use crate::callers::listening::{listening_cost, option_weights};
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix, Severity, apply_edits};
use crate::lint::context::Context;
use crate::lint::edits::{block_items, rekey, reorder_items, value_span};
use crate::lint::rule::Finding;
use crate::menu::duration::seconds;
use crate::menu::keys::key_mentions;
use crate::menu::{NodeId, NodeKind};

declare_rule! {
    /// ## What it checks
    ///
    /// Within each menu, ordinary options are announced in descending popularity. The
    /// popularity of an option is the share of callers whose intended option it is: from the
    /// intents file (`--intents`, or the menu's `traffic:`), routed the way the caller model
    /// routes callers (counting only intents whose mistake-free route passes the menu), or
    /// else from the options' own `traffic` shares. Exempt options keep their places: the agent
    /// option (key `0`, or one leading straight to a transfer serving `"*"`), back and repeat
    /// options (`*`, `#`, or leading to a parent menu, `entry` or the menu itself) and the
    /// complaint option. A menu is reported once, when some ordinary option is announced before
    /// one more popular by more than `tolerance`.
    ///
    /// The help gives the popularity order and the seconds per call it saves. Options keep the
    /// 1, 2, 3 convention: those announced in a new order are renumbered (the first ordinary
    /// option announced gets the lowest of their keys, and so on), while `0`, `*`, `#` and the
    /// other exempt options keep their keys and places; the help says which keys change, and
    /// their prompts change with them. With barge-in,
    /// a menu costs `sum_k w_k * listen(k)` seconds of listening, with `w_k = a * p_k + b`,
    /// `b = mistake_rate / (n - 1)` and `a = 1 - mistake_rate - invalid_rate - no_input_rate - b`;
    /// where sorting by `w_k / opt(k)` (Smith's rule, which also weighs each prompt's length)
    /// gives a different order that saves more, a note gives that order too.
    ///
    /// A menu is reported only when the better of the two orders saves at least `min_saving`
    /// seconds per caller who reaches it: a tenth of a second is noise to a designer, and
    /// without barge-in every order costs the same. Without traffic data the rule is silent, and
    /// says so once as an info.
    ///
    /// ## Why it matters
    ///
    /// Practice says the options callers choose most go first (Avaya's design guide: the most
    /// likely option first). With barge-in, every caller listens until their option is read:
    /// putting a 40% option after three rare ones makes 40% of callers hear three extra
    /// prompts on every call. Callers spend about 48 s in an IVR on average; a few seconds
    /// per call is a real share of it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "For lost cards, press 1.", to: lost, traffic: 0.05 }
    ///     - { key: "2", say: "For your balance, press 2.", to: balance, traffic: 0.60 }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// main:
    ///   options:
    ///     - { key: "1", say: "For your balance, press 1.", to: balance, traffic: 0.60 }
    ///     - { key: "2", say: "For lost cards, press 2.", to: lost, traffic: 0.05 }
    /// ```
    ///
    /// ## Fix
    ///
    /// Unsafe (callers hear the options in a new order and press new keys): the options move
    /// into the order that saves the most time (the popularity order, or the time-optimal one
    /// when it saves more), each with its comments, and are renumbered as the help says: the
    /// key and the prompt's words for it change together (`press two` becomes `press one`),
    /// while `0`, `*`, `#` keep their keys and places. It is offered when the options are
    /// written one per line (`- { key: ... }` or `- key: ...`), their prompts as they read (no
    /// escapes), and the menu's own `say` names no key that changes.
    ///
    /// ## Options
    ///
    /// - `tolerance` (default 0.0): popularity differences up to this share are not reported.
    /// - `min_saving` (default 0.1): seconds per caller at the menu that a better order must save
    ///   to be reported; 0 reports every menu not in popularity order, even when the order costs
    ///   no time.
    pub static POPULAR_FIRST = {
        name: "popular-first",
        severity: Warning,
        summary: "ordinary options are announced in descending popularity",
        options: [
            ("tolerance", 0.0, "popularity difference (a share, 0 to 1) to ignore", number),
            ("min_saving", 0.1, "seconds per caller at the menu a better order must save", number),
        ],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let tolerance = ctx.option("tolerance");
    let min_saving = ctx.option("min_saving");
    let has_option_traffic = ctx
        .menu
        .nodes
        .iter()
        .any(|n| n.options.iter().any(|o| o.traffic.is_some()));
    if ctx.intents.is_none() && !has_option_traffic {
        let span = ctx
            .menu
            .name
            .as_ref()
            .map_or(ctx.menu.nodes_span, |n| n.span);
        out.push(
            Finding::new(span, "popular-first has no traffic data, so option order was not checked", "no traffic data for this menu")
                .help("pass `--intents FILE`, name one with `traffic:` in the menu, or give options `traffic` shares")
                .at_most(Severity::Info),
        );
        return;
    }
    let callers = ctx.intents.map_or_else(CallerModel::default, |i| i.callers);
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Menu || ctx.depth_of(id).is_none() || node.options.len() < 2 {
            continue;
        }
        let shares = match ctx.popularity_from_intents(id) {
            Some(shares) => shares,
            None if node.options.iter().any(|o| o.traffic.is_some()) => node
                .options
                .iter()
                .map(|o| o.traffic.as_ref().map_or(0.0, |t| t.value))
                .collect(),
            None => continue,
        };
        let from_intents = ctx.intents.is_some();
        let limits = Limits {
            tolerance,
            min_saving,
        };
        if let Some(finding) = check_menu(ctx, id, &shares, from_intents, limits, &callers) {
            out.push(finding);
        }
    }
}

/// The order of options at a menu, as indices into its options.
type Order = Vec<usize>;

/// What is too small to report.
#[derive(Clone, Copy)]
struct Limits {
    /// Popularity differences (shares) up to this are ties.
    tolerance: f64,
    /// Seconds per caller at the menu a better order must save.
    min_saving: f64,
}

fn check_menu(
    ctx: &Context<'_>,
    id: NodeId,
    shares: &[f64],
    from_intents: bool,
    limits: Limits,
    callers: &CallerModel,
) -> Option<Finding> {
    let tolerance = limits.tolerance;
    let node = ctx.menu.node(id);
    let reach: f64 = shares.iter().sum();
    if reach <= 0.0 {
        return None;
    }
    let ordinary: Vec<usize> = (0..node.options.len())
        .filter(|&k| !ctx.is_exempt(id, k))
        .collect();
    // The first ordinary option announced before a more popular one, and the most popular of those.
    let (early, late) = ordinary.iter().enumerate().find_map(|(i, &k)| {
        ordinary[i + 1..]
            .iter()
            .filter(|&&j| shares[j] > shares[k] + tolerance + 1e-9)
            .max_by(|&&a, &&b| shares[a].total_cmp(&shares[b]))
            .map(|&j| (k, j))
    })?;

    let p: Vec<f64> = shares.iter().map(|s| s / reach).collect();
    let lengths: Vec<f64> = node
        .options
        .iter()
        .map(|o| {
            seconds(
                o.say.as_deref().map(String::as_str),
                o.duration.as_ref().map(|d| d.value),
                &ctx.menu.speech,
            )
        })
        .collect();
    let intro = seconds(
        node.say.as_deref().map(String::as_str),
        node.duration.as_ref().map(|d| d.value),
        &ctx.menu.speech,
    );
    let weights = option_weights(&p, callers);
    let current: Order = (0..node.options.len()).collect();
    let popular = reorder(node.options.len(), &ordinary, |a, b| p[b].total_cmp(&p[a]));
    let smith = reorder(node.options.len(), &ordinary, |a, b| {
        smith_key(weights[b], lengths[b]).total_cmp(&smith_key(weights[a], lengths[a]))
    });
    let cost = |order: &Order| listening_cost(order, &weights, &lengths, intro, callers.barge_in);
    let saved = cost(&current) - cost(&popular);
    let smith_saved = cost(&current) - cost(&smith);
    if saved.max(smith_saved) < limits.min_saving {
        return None;
    }
    let keys = |order: &Order| proposal(node, order, &ordinary);
    let pct = |k: usize| format!("{:.0}%", p[k] * 100.0);
    let (e, l) = (&node.options[early], &node.options[late]);

    // Intents give shares of all calls, so a saving per caller at a menu that only some calls
    // reach can be put per call overall; option `traffic` is a share of the callers at this
    // menu only.
    let overall = |seconds: f64| {
        if from_intents && reach < 1.0 - 1e-9 {
            format!(" ({:.2} s per call overall)", seconds * reach)
        } else {
            String::new()
        }
    };
    // Saved seconds as shown (one decimal): a popularity order can cost time when the popular
    // option's prompt is long, and saves nothing without barge-in.
    let mut help = if saved >= 0.05 {
        format!(
            "announce the options in the order {}; it saves {saved:.1} s per caller at this menu{}",
            keys(&popular),
            overall(saved)
        )
    } else if saved <= -0.05 {
        format!(
            "announce the options in the order {}, most popular first; with these prompt lengths it adds {:.1} s per caller at this menu",
            keys(&popular),
            -saved
        )
    } else {
        format!(
            "announce the options in the order {}, most popular first",
            keys(&popular)
        )
    };
    if keys(&smith) != keys(&popular) && smith_saved > saved + 1e-9 {
        help.push_str(&format!(
            "; the time-optimal order, which also weighs prompt lengths and mistakes, is {}, and saves {smith_saved:.1} s{}",
            keys(&smith),
            overall(smith_saved)
        ));
    }
    let best = if keys(&smith) != keys(&popular) && smith_saved > saved + 1e-9 {
        &smith
    } else {
        &popular
    };
    let fix = reorder_fix(ctx, node, best, &ordinary).map(|edit| {
        Fix::unsafe_fix(
            format!("announce the options in the order {}", keys(best)),
            vec![edit],
        )
    });
    Some(
        Finding::new(
            e.key.as_ref().map_or(e.span, |k| k.span),
            format!(
                "`{}` announces option {} ({} of its callers) before the more popular option {} ({})",
                node.id.value,
                e.key_text(),
                pct(early),
                l.key_text(),
                pct(late)
            ),
            format!("{} of callers, announced early", pct(early)),
        )
        .with_label(l.key.as_ref().map_or(l.span, |k| k.span), format!("{} of callers, announced late", pct(late)))
        .help(help)
        .node(node.id.value.clone())
        .with_fix(fix),
    )
}

/// The one edit that rewrites the menu's options in `order`, renumbered: each option's lines
/// move whole, with its key and the prompt's words for the key changed when its key does.
fn reorder_fix(
    ctx: &Context<'_>,
    node: &crate::menu::Node,
    order: &Order,
    ordinary: &[usize],
) -> Option<Edit> {
    let source = &ctx.menu.source;
    let starts: Vec<usize> = node.options.iter().map(|o| o.span.start).collect();
    let items = block_items(source, &starts)?;
    let new_keys = renumbered(node, order, ordinary);
    // The key each option gets: the one of the place it moves to.
    let mut key_of: Vec<&str> = node.options.iter().map(|o| o.key_text()).collect();
    for (&k, &key) in order.iter().zip(&new_keys) {
        key_of[k] = key;
    }
    let changing: Vec<&str> = node
        .options
        .iter()
        .zip(&key_of)
        .filter(|(o, new)| o.key_text() != **new)
        .map(|(o, _)| o.key_text())
        .collect();
    // A menu prompt that lists the keys ("press 1 for billing, 2 for ...") would need
    // rewriting as a whole: no fix.
    if let Some(say) = &node.say
        && key_mentions(&say.value)
            .iter()
            .any(|m| changing.contains(&m.key.as_str()))
    {
        return None;
    }
    let mut texts = Vec::with_capacity(items.len());
    for ((option, item), &new) in node.options.iter().zip(&items).zip(&key_of) {
        let mut edits: Vec<Edit> = Vec::new();
        if option.key_text() != new {
            let key = option.key.as_ref()?;
            edits.push(rekey(source, key, new)?);
            if let Some(say) = &option.say {
                for mention in key_mentions(&say.value)
                    .iter()
                    .filter(|m| m.key == key.value)
                {
                    let span = value_span(source, say, mention.token.clone())?;
                    edits.push(Edit::replace(span, mention.respell(&say.value, new)?));
                }
            }
        }
        // The edits, moved into the item's own text.
        let mut local = Vec::with_capacity(edits.len());
        for edit in edits {
            if edit.span.start < item.start || edit.span.end() > item.end {
                return None;
            }
            local.push(Edit::replace(
                crate::source::Span::new(edit.span.start - item.start, edit.span.len),
                edit.replacement,
            ));
        }
        texts.push(apply_edits(
            source.text().get(item.start..item.end)?,
            local.iter(),
        )?);
    }
    reorder_items(source, &items, &texts, order)
}

/// An order as the help gives it: the keys in the new order and, when options move, the keys
/// they take to keep 1, 2, 3 in announcement order (`2, 1, 3, 0, renumbered 1, 2, 3, 0 (key 2
/// becomes 1, key 1 becomes 2)`).
fn proposal(node: &crate::menu::Node, order: &Order, ordinary: &[usize]) -> String {
    let old: Vec<&str> = order.iter().map(|&k| node.options[k].key_text()).collect();
    let new = renumbered(node, order, ordinary);
    if old == new {
        return old.join(", ");
    }
    let changes: Vec<String> = old
        .iter()
        .zip(&new)
        .filter(|(o, n)| o != n)
        .map(|(o, n)| format!("key {o} becomes {n}"))
        .collect();
    format!(
        "{}, renumbered {} ({})",
        old.join(", "),
        new.join(", "),
        changes.join(", ")
    )
}

/// The keys of the options announced in `order`: the ordinary options (whose places are
/// `ordinary`) share out their digit keys in ascending order; the others keep theirs. Keys
/// that are not all digits 1 to 9 are left as written.
fn renumbered<'a>(node: &'a crate::menu::Node, order: &Order, ordinary: &[usize]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = order.iter().map(|&k| node.options[k].key_text()).collect();
    let mut digits: Vec<&str> = ordinary
        .iter()
        .map(|&k| node.options[k].key_text())
        .collect();
    if !digits.iter().all(|k| matches!(k.as_bytes(), [b'1'..=b'9'])) {
        return keys;
    }
    digits.sort_unstable();
    for (&slot, digit) in ordinary.iter().zip(digits) {
        keys[slot] = digit;
    }
    keys
}

fn smith_key(weight: f64, length: f64) -> f64 {
    if length > 0.0 {
        weight / length
    } else {
        f64::INFINITY
    }
}

/// All options in place, with the ordinary ones (in `slots`) sorted by `compare` (stable).
fn reorder(
    n: usize,
    slots: &[usize],
    compare: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Order {
    let mut order: Order = (0..n).collect();
    let mut sorted = slots.to_vec();
    sorted.sort_by(|&a, &b| compare(a, b));
    for (&slot, &k) in slots.iter().zip(&sorted) {
        order[slot] = k;
    }
    order
}

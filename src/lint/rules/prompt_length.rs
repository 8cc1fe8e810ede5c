use crate::declare_rule;
use crate::lint::context::Context;
use crate::lint::rule::Finding;
use crate::menu::NodeKind;
use crate::menu::duration::seconds;
use crate::text::is_cjk;

declare_rule! {
    /// ## What it checks
    ///
    /// Each option's announcement plays within `max_option_seconds`, and a whole menu (its
    /// own `say` and every option's) within `max_menu_seconds`. Durations are estimated from
    /// the text (words per minute for alphabetic text, characters per second for Chinese,
    /// Japanese and Korean) unless `duration` is given.
    ///
    /// ## Why it matters
    ///
    /// The guides ask for option wording as short and plain as possible. Every second of a
    /// menu is paid by every caller who hears it: callers spend about 48 s in an IVR on
    /// average, and long prompts are where they give up or press `0`.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// - { key: "1", say: "If you would like to hear information about your current account balance and recent payments, press 1.", to: balance }
    /// ```
    ///
    /// ## Instead
    ///
    /// ```yaml
    /// - { key: "1", say: "For your balance, press 1.", to: balance }
    /// ```
    ///
    /// ## Options
    ///
    /// - `max_option_seconds` (default 4): the longest option announcement.
    /// - `max_menu_seconds` (default 30): the longest whole menu.
    pub static PROMPT_LENGTH = {
        name: "prompt-length",
        severity: Warning,
        summary: "option announcements are short and a whole menu plays within the limit",
        options: [
            ("max_option_seconds", 4, "longest option announcement, in seconds", number),
            ("max_menu_seconds", 30, "longest whole menu, in seconds", number),
        ],
        check: check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let max_option = ctx.option("max_option_seconds");
    let max_menu = ctx.option("max_menu_seconds");
    let speech = &ctx.menu.speech;
    for id in ctx.menu.node_ids() {
        let node = ctx.menu.node(id);
        if node.kind != NodeKind::Menu {
            continue;
        }
        let intro = seconds(
            node.say.as_deref().map(String::as_str),
            node.duration.as_ref().map(|d| d.value),
            speech,
        );
        let mut total = intro;
        for option in &node.options {
            let length = seconds(
                option.say.as_deref().map(String::as_str),
                option.duration.as_ref().map(|d| d.value),
                speech,
            );
            total += length;
            if length > max_option + 1e-9 {
                let span = option.say.as_ref().map_or(option.span, |s| s.span);
                out.push(
                    Finding::new(
                        span,
                        format!("option {} of `{}` takes {length:.1} s to announce; at most {max_option} s", option.key_text(), node.id.value),
                        format!("{length:.1} s"),
                    )
                    .help(format!(
                        "shorten the announcement to the topic and the key, such as \"{}\"",
                        if option.say.as_ref().is_some_and(|s| s.value.chars().any(is_cjk)) {
                            "查询话费请按1"
                        } else {
                            "For billing, press 1."
                        }
                    ))
                    .node(node.id.value.clone()),
                );
            }
        }
        if total > max_menu + 1e-9 {
            out.push(
                Finding::new(
                    node.id.span,
                    format!(
                        "menu `{}` takes {total:.1} s to play in full ({intro:.1} s before the options, {:.1} s for {} options); at most {max_menu} s",
                        node.id.value,
                        total - intro,
                        node.options.len()
                    ),
                    format!("{total:.1} s in full"),
                )
                .help("shorten the greeting and the announcements, or split the options over two menus")
                .node(node.id.value.clone()),
            );
        }
    }
}

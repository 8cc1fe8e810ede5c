//! `ivr report`: one self-contained HTML page (styles, script and pictures inline; a
//! Content-Security-Policy that forbids loading anything).
//!
//! Every string from a menu or intents file goes through [`escape`], in text and in attribute
//! values alike. The inline script holds no data at all: it reads the page (the diagram's
//! `data-*` attributes and `<title>` texts) and shows text with `textContent`, so no prompt can
//! reach a script context.

use std::fmt::Write;

use crate::callers::CallerModel;
use crate::commands::report::{MARKER, ReportData};
use crate::diagnostic::Diagnostic;
use crate::menu::graph::MenuGraph;
use crate::sim::engine::Outcome;
use crate::sim::report::{Distribution, Figures, IntentFigures, SimReport};
use crate::stats::Interval;

use super::draw::percent;
use super::layout::relayout_script;
use super::svg::{SvgOptions, escape, svg};

/// Menus with more nodes than this start with the diagram collapsed below [`COLLAPSE_DEPTH`].
pub const COLLAPSE_NODES: usize = 60;
pub const COLLAPSE_DEPTH: usize = 2;

/// The Content-Security-Policy: nothing may be loaded, inline style and script only.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE: &str = r#"
body{font-family:'Noto Sans','Noto Sans CJK SC','Noto Sans CJK JP',Helvetica,Arial,sans-serif;margin:0;color:#1d2230;background:#fafbfc}
header,section{padding:12px 28px}
header{background:#1f3b73;color:#fff}
header h1{margin:4px 0 8px;font-size:24px}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;font-size:13px}
header dt{opacity:.75}
h2{font-size:19px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #d8dde6;border-radius:8px;padding:10px 14px;min-width:150px}
.card .label{font-size:12px;color:#5a6372}
.card .value{font-size:26px;font-weight:bold}
.card .ci{font-size:11px;color:#5a6372}
.diagram{overflow:auto;max-height:900px;background:#fff;border:1px solid #d8dde6;border-radius:8px}
.diagram .node{cursor:pointer}
.diagram .node.selected rect{stroke:#000;stroke-width:3}
#details{white-space:pre-wrap;background:#fff;border:1px solid #d8dde6;border-radius:8px;padding:8px 12px;min-height:2em;font-size:13px}
#details.hint{color:#5a6473;font-style:italic}
.rule{background:#fff;border:1px solid #d8dde6;border-radius:8px;margin:8px 0;padding:6px 14px}
.finding{margin:8px 0}
.finding pre{background:#f3f5f8;padding:4px 8px;margin:4px 0;white-space:pre-wrap}
.sev-error{color:#b00020}.sev-warning{color:#a05a00}.sev-info{color:#2050a0}
table{border-collapse:collapse;background:#fff;font-size:13px}
th,td{border:1px solid #d8dde6;padding:3px 8px;text-align:right}
th{cursor:pointer;background:#eef1f6}
td:first-child,th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{background:#fff;border:1px solid #d8dde6;border-radius:8px;padding:6px}
.variants{display:flex;flex-wrap:wrap;gap:24px}
.variant h3{margin:6px 0}
tr.significant td,td.significant{font-weight:bold;background:#fff4d6}
.more{color:#e07000;font-weight:bold}.less{color:#1f6fd0;font-weight:bold}
.legend{font-size:12px}
section{content-visibility:auto;contain-intrinsic-size:auto 800px}
.finding{content-visibility:auto;contain-intrinsic-size:auto 100px}
@media print{.diagram{max-height:none;overflow:visible}th{cursor:auto}}
"#;

const SCRIPT: &str = r#"
(function(){
  var details=document.getElementById('details');
  function show(g){
    document.querySelectorAll('.diagram .node.selected').forEach(function(n){n.classList.remove('selected');});
    g.classList.add('selected');
    var t=g.querySelector('title');
    details.classList.remove('hint');
    details.textContent=t?t.textContent:'';
  }
  // A folded diagram holds only the boxes shown, laid out; the others wait in a template.
  // Opening a box moves its children (and the arrows between boxes now shown) into the
  // drawing and lays it out again, keeping the opened box where it was on the screen.
  var folded=document.querySelector('svg.menu-diagram.folded'),box=document.querySelector('.diagram');
  var away=document.querySelector('template.folded-away'),store=away&&away.content;
  function relayout(keep){
    var before=keep&&keep.getBoundingClientRect();
    ivrRelayout(folded);
    if(before&&box){var after=keep.getBoundingClientRect();box.scrollLeft+=after.left-before.left;box.scrollTop+=after.top-before.top;}
  }
  function reveal(boxes){
    if(!folded||!boxes.length){return false;}
    boxes.forEach(function(g){folded.appendChild(g);});
    var first=folded.querySelector('.node');
    store.querySelectorAll('.edge').forEach(function(e){
      if(document.getElementById(e.getAttribute('data-from'))&&document.getElementById(e.getAttribute('data-to'))){folded.insertBefore(e,first);}
    });
    return true;
  }
  function kept(selector){return store?Array.prototype.slice.call(store.querySelectorAll(selector)):[];}
  document.querySelectorAll('.diagram svg.menu-diagram').forEach(function(svg){
    svg.addEventListener('click',function(ev){
      var g=ev.target.closest('.node');
      if(!g){return;}
      show(g);
      if(reveal(kept('[data-parent="'+g.id+'"]'))){relayout(g);}
    });
  });
  // A wide diagram opens scrolled to its entry (the box at the top), not to its left edge.
  var entry=document.querySelector('.diagram .node[data-depth="0"]');
  if(box&&entry){
    var b=box.getBoundingClientRect(),e=entry.getBoundingClientRect();
    box.scrollLeft=Math.max(0,e.left-b.left+e.width/2-box.clientWidth/2);
  }
  var all=document.getElementById('expand-all');
  if(all){all.addEventListener('click',function(){
    if(reveal(kept('.node'))){relayout(entry);}
  });}
  // A finding's link opens the boxes down to its node.
  document.querySelectorAll('a[data-node]').forEach(function(a){
    a.addEventListener('click',function(ev){
      var id=a.getAttribute('data-node'),chain=[];
      while(id&&!document.getElementById(id)&&store){
        var g=store.getElementById(id);
        if(!g){break;}
        chain.push(g);id=g.getAttribute('data-parent');
      }
      if(reveal(chain)){relayout(null);}
      var target=document.getElementById(a.getAttribute('data-node'));
      if(!target){return;}
      ev.preventDefault();
      show(target);
      target.scrollIntoView({block:'center',inline:'center'});
    });
  });
  document.querySelectorAll('table.sortable th').forEach(function(th,i){
    th.addEventListener('click',function(){
      var body=th.closest('table').tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      var dir=th.getAttribute('data-dir')==='asc'?-1:1;
      th.setAttribute('data-dir',dir===1?'asc':'desc');
      rows.sort(function(a,b){
        var x=a.cells[i].getAttribute('data-sort')||a.cells[i].textContent;
        var y=b.cells[i].getAttribute('data-sort')||b.cells[i].textContent;
        var nx=parseFloat(x),ny=parseFloat(y);
        if(!isNaN(nx)&&!isNaN(ny)){return dir*(nx-ny);}
        return dir*x.localeCompare(y);
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
})();
"#;

/// Today's date and time in UTC, `YYYY-MM-DD HH:MM UTC`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Civil date from days since 1970-01-01 (the proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// Which outcomes a summary card shows, and how it names them.
const CARDS: [(Outcome, &str); 4] = [
    (Outcome::SelfServed, "Contained (self-served)"),
    (Outcome::Agent, "Reached the right agent"),
    (Outcome::Misrouted, "Misrouted"),
    (Outcome::Abandoned, "Abandoned"),
];

pub(super) fn card(
    out: &mut String,
    figure: &str,
    label: &str,
    value: &str,
    raw: f64,
    ci: Option<String>,
) {
    let _ = write!(
        out,
        "<div class=\"card\" data-figure=\"{figure}\" data-value=\"{raw}\"><div class=\"label\">{label}</div><div class=\"value\">{value}</div>"
    );
    if let Some(ci) = ci {
        let _ = write!(out, "<div class=\"ci\">95% interval {ci}</div>");
    }
    out.push_str("</div>\n");
}

fn seconds_card(out: &mut String, figure: &str, label: &str, d: Option<&Distribution>) {
    match d {
        Some(d) => card(
            out,
            figure,
            label,
            &format!("{:.1} s", d.mean),
            d.mean,
            d.mean_ci95.map(|i| range_text(i, 1.0, " s")),
        ),
        None => card(out, figure, label, "–", f64::NAN, None),
    }
}

/// A horizontal bar per outcome.
fn outcome_chart(data: &ReportData) -> String {
    let mut out = String::from(
        "<svg class=\"chart\" width=\"460\" height=\"200\" viewBox=\"0 0 460 200\" font-size=\"12\"><title>Outcome shares</title>\n",
    );
    for (i, o) in Outcome::ALL.iter().enumerate() {
        let share = data.sim.overall.outcomes.get(*o);
        let y = 10.0 + i as f64 * 26.0;
        let w = 300.0 * share;
        let _ = writeln!(
            out,
            "<text x=\"100\" y=\"{:.0}\" text-anchor=\"end\">{}</text><rect x=\"108\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"18\" fill=\"#3060c0\"><title>{} {}</title></rect><text x=\"{:.1}\" y=\"{:.0}\">{}</text>",
            y + 13.0,
            o.name(),
            o.name(),
            percent(share),
            112.0 + w,
            y + 13.0,
            percent(share)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A histogram of seconds with its cumulative share, from evenly spaced quantiles.
fn time_chart(title: &str, quantiles: &[f64]) -> String {
    let (w, h, left, bottom) = (460.0, 220.0, 44.0, 30.0);
    let mut out = format!(
        "<svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-size=\"11\"><title>{}</title>\n<text x=\"{left}\" y=\"12\" font-weight=\"bold\">{}</text>\n",
        escape(title),
        escape(title)
    );
    let (Some(&lo), Some(&hi)) = (quantiles.first(), quantiles.last()) else {
        out.push_str("<text x=\"50\" y=\"100\">no calls</text></svg>\n");
        return out;
    };
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let bins = 20;
    let width = (hi - 0.0) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &q in quantiles {
        let b = ((q / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let plot_w = w - left - 10.0;
    let plot_h = h - bottom - 24.0;
    let x_of = |s: f64| left + plot_w * s / hi;
    let y_of = |f: f64| 20.0 + plot_h * (1.0 - f);
    for (i, &c) in counts.iter().enumerate() {
        let share = c as f64 / quantiles.len() as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#9db5e6\"><title>{:.0}–{:.0} s: {}</title></rect>",
            x_of(i as f64 * width),
            y_of(c as f64 / most),
            plot_w / bins as f64 - 1.0,
            plot_h * c as f64 / most,
            i as f64 * width,
            (i + 1) as f64 * width,
            percent(share)
        );
    }
    let points: Vec<String> = quantiles
        .iter()
        .enumerate()
        .map(|(i, &q)| {
            format!(
                "{:.1},{:.1}",
                x_of(q),
                y_of((i as f64 + 0.5) / quantiles.len() as f64)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#c03030\" stroke-width=\"2\"><title>share of calls within X seconds</title></polyline>",
        points.join(" ")
    );
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"#333\"/><text x=\"{left}\" y=\"{2:.1}\">0 s</text><text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\">{3:.0} s</text><text x=\"{4:.1}\" y=\"24\" text-anchor=\"end\" fill=\"#c03030\">100%</text><text x=\"{4:.1}\" y=\"{0:.1}\" text-anchor=\"end\" fill=\"#c03030\">0%</text>",
        y_of(0.0),
        left + plot_w,
        y_of(0.0) + 14.0,
        hi,
        left - 4.0
    );
    out.push_str("</svg>\n");
    out
}

/// The intent table: share and outcome shares (which add up to 100% on every row), the mean
/// time, and the confused share when the callers can be confused.
fn intent_table(data: &ReportData) -> String {
    scope_table("intents", "intent", &data.sim.intents, &data.sim)
}

/// A table of scopes (intents or caller groups), one row each.
fn scope_table(
    id: &str,
    what: &str,
    scopes: &[(String, IntentFigures)],
    sim: &SimReport,
) -> String {
    let confusable = sim.overall.confused.is_some();
    let mut out = format!(
        "<table class=\"sortable\" id=\"{id}\"><thead><tr><th>{what}</th><th>share of calls</th>"
    );
    for o in Outcome::ALL {
        let _ = write!(out, "<th>{}</th>", o.name());
    }
    out.push_str("<th>mean time (s)</th>");
    if confusable {
        out.push_str("<th>confused</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for (name, scope) in scopes {
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-sort=\"{}\">{}</td>",
            escape(name),
            scope.share,
            percent(scope.share)
        );
        for o in Outcome::ALL {
            let v = scope.figures.outcomes.get(o);
            let _ = write!(out, "<td data-sort=\"{v}\">{:.1}%</td>", v * 100.0);
        }
        let _ = write!(out, "<td>{:.1}</td>", scope.figures.time.mean);
        if confusable {
            let v = scope.figures.confused.unwrap_or(0.0);
            let _ = write!(out, "<td data-sort=\"{v}\">{:.1}%</td>", v * 100.0);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// What the speech nodes heard, overall and per intent: spoken attempts per call and how they
/// ended (empty without a speech node).
fn speech_table(sim: &SimReport) -> String {
    if sim.overall.speech.is_none() {
        return String::new();
    }
    let mut out = String::from(
        "<h3>Speech nodes (click a heading to sort)</h3>\n<table class=\"sortable\" id=\"speech\"><thead><tr><th>scope</th><th>spoken attempts per call</th><th>recognised</th><th>asked to repeat</th><th>misrecognised</th></tr></thead><tbody>\n",
    );
    let scopes = std::iter::once(("all calls", &sim.overall))
        .chain(sim.intents.iter().map(|(n, i)| (n.as_str(), &i.figures)));
    for (name, figures) in scopes {
        let Some(heard) = figures.speech else {
            continue;
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-sort=\"{}\">{:.2}</td>",
            escape(name),
            heard.attempts,
            heard.attempts
        );
        for v in [heard.recognised, heard.rejected, heard.misrecognised] {
            let _ = write!(out, "<td data-sort=\"{v}\">{:.1}%</td>", v * 100.0);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The diagram element id of the node a finding is about.
fn node_anchor(data: &ReportData, d: &Diagnostic) -> Option<String> {
    let id = d.node.as_ref()?;
    let index = data.menu.lookup(id)?;
    Some(format!("node-{}", index.0))
}

fn findings(data: &ReportData) -> String {
    if data.findings.is_empty() {
        return "<p>No findings.</p>\n".to_string();
    }
    let mut rules: Vec<&str> = data.findings.iter().map(|d| d.code.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut out = String::new();
    for rule in rules {
        let found: Vec<&Diagnostic> = data.findings.iter().filter(|d| d.code == rule).collect();
        let _ = writeln!(
            out,
            "<div class=\"rule\" id=\"rule-{0}\"><h3>{0} ({1})</h3>",
            escape(rule),
            found.len()
        );
        for d in found {
            let sev = d.severity.as_str();
            let _ = write!(
                out,
                "<div class=\"finding\"><span class=\"sev-{sev}\">{sev}</span> <b>{}</b> <span>{}</span>",
                escape(&d.message),
                escape(&d.location())
            );
            if let (Some(source), Some(label)) = (&d.source, d.labels.first()) {
                let line = source.line_text(label.span.start);
                let _ = write!(out, "<pre>{}</pre>", escape(line));
            }
            if let Some(help) = &d.help {
                let _ = write!(out, "<div>help: {}</div>", escape(help));
            }
            if let Some(anchor) = node_anchor(data, d) {
                let _ = write!(
                    out,
                    "<a href=\"#{anchor}\" data-node=\"{anchor}\">show {} in the diagram</a>",
                    escape(d.node.as_deref().unwrap_or_default())
                );
            }
            out.push_str("</div>\n");
        }
        out.push_str("</div>\n");
    }
    out
}

/// The start of every page `ivr` writes, up to `<body>`: the marker that says `ivr` wrote it,
/// the Content-Security-Policy and the styles. `language` is the page's `lang` (`und` when not
/// known).
pub(super) fn page_start(out: &mut String, title: &str, language: Option<&str>) {
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n{MARKER}\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        language.unwrap_or("und"),
        escape(title)
    );
}

/// The end of every page: the one inline script (which carries no data).
pub(super) fn page_end(out: &mut String) {
    let _ = write!(
        out,
        "<script>{}{SCRIPT}</script>\n</body>\n</html>\n",
        relayout_script()
    );
}

/// The page header: a heading and `(field, value)` rows (values are escaped).
pub(super) fn header(out: &mut String, heading: &str, rows: &[(&str, String)]) {
    let _ = writeln!(out, "<header><h1>{}</h1><dl>", escape(heading));
    for (k, v) in rows {
        let _ = writeln!(out, "<dt>{k}</dt><dd data-field=\"{k}\">{}</dd>", escape(v));
    }
    out.push_str("</dl></header>\n");
}

/// The caller-model settings in a sentence.
pub(super) fn callers_text(c: &CallerModel) -> String {
    format!(
        "mistake rate {}, invalid-key rate {}, silence rate {}, patience {}, barge-in {}, {} s per digit",
        c.mistake_rate,
        c.invalid_rate,
        c.no_input_rate,
        c.patience
            .map_or("unlimited".to_string(), |p| format!("{p} s")),
        if c.barge_in { "on" } else { "off" },
        c.digit_time
    )
}

/// The whole page.
pub fn report(data: &ReportData, version: &str) -> String {
    let menu = &data.menu;
    let sim = &data.sim;
    let title = menu.title();
    let graph = MenuGraph::build(menu);
    let collapse = (menu.nodes.len() > COLLAPSE_NODES).then_some(COLLAPSE_DEPTH);
    let diagram = svg(
        menu,
        &graph,
        sim.flow.as_ref(),
        SvgOptions {
            collapse_below: collapse,
            ..SvgOptions::default()
        },
    );
    let mut out = String::new();
    page_start(&mut out, &format!("{title} · ivr report"), menu.language());
    header(
        &mut out,
        &title,
        &[
            ("menu", sim.menu.clone()),
            ("traffic", data.traffic.clone()),
            ("date", now_utc()),
            ("ivr version", version.to_string()),
            ("seed", sim.seed.map_or(String::new(), |s| s.to_string())),
            ("calls", sim.calls.map_or(String::new(), |c| c.to_string())),
            ("callers", callers_text(&data.callers)),
        ],
    );
    out.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    summary_cards(&mut out, &sim.overall);
    out.push_str("</section>\n<section id=\"flow\"><h2>Where callers go</h2>\n<p>Arrows are as thick as the share of calls taking them; the redder a box, the more callers are lost there (abandoned, disconnected, unresolved). Hover over a box or arrow for its figures, click a box for its prompt and figures");
    diagram_section_end(&mut out, collapse, &diagram);
    out.push_str("<section id=\"findings\"><h2>Lint findings</h2>\n");
    out.push_str(&findings(data));
    out.push_str("</section>\n<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">\n");
    out.push_str(&outcome_chart(data));
    out.push_str(&time_chart(
        "Time in the menu (seconds)",
        &data.time_quantiles,
    ));
    out.push_str(&time_chart(
        "Time to an agent (seconds)",
        &data.to_agent_quantiles,
    ));
    out.push_str("</div>\n<h3>Per intent (click a heading to sort)</h3>\n");
    out.push_str(&intent_table(data));
    if !sim.personas.is_empty() {
        out.push_str("<h3>Per caller group (click a heading to sort)</h3>\n");
        out.push_str(&scope_table(
            "caller-groups",
            "caller group",
            &sim.personas,
            sim,
        ));
    }
    out.push_str(&speech_table(sim));
    out.push_str("</section>\n");
    page_end(&mut out);
    out
}

/// The summary cards of one simulation's figures: the outcome shares and the mean times, each
/// with its interval.
pub(super) fn summary_cards(out: &mut String, figures: &Figures) {
    out.push_str("<div class=\"cards\">\n");
    for (o, label) in CARDS {
        let share = figures.outcomes.get(o);
        card(
            out,
            o.name(),
            label,
            &format!("{:.1}%", share * 100.0),
            share,
            figures
                .outcomes_ci95
                .get(o)
                .map(|i| range_text(i, 100.0, "%")),
        );
    }
    seconds_card(out, "time", "Mean time in the menu", Some(&figures.time));
    seconds_card(
        out,
        "time_to_agent",
        "Mean time to an agent",
        figures.time_to_agent.as_ref(),
    );
    out.push_str("</div>\n");
}

/// The end of a diagram's explanation (the sentence about folding, when the diagram is folded),
/// the details box, the diagram itself, and the end of its section.
pub(super) fn diagram_section_end(out: &mut String, collapse: Option<usize>, diagram: &str) {
    if let Some(depth) = collapse {
        let _ = write!(
            out,
            "; nodes deeper than {depth} levels are folded: click a box to open its children, or <button id=\"expand-all\" type=\"button\">show every node</button>"
        );
    }
    // Until a box is clicked, the box says what it is for rather than stand empty.
    out.push_str(".</p>\n<div id=\"details\" class=\"hint\">Click a box to see its prompt and figures here.</div>\n<div class=\"diagram\">\n");
    out.push_str(diagram);
    out.push_str("</div></section>\n");
}

/// An interval as a card shows it, `12.0–14.5 s`, or `12.0 s or more` when the sample cannot
/// bound it from above.
pub(super) fn range_text(interval: Interval, scale: f64, unit: &str) -> String {
    match interval.hi {
        Some(hi) => format!("{:.1}–{:.1}{unit}", interval.lo * scale, hi * scale),
        None => format!("{:.1}{unit} or more", interval.lo * scale),
    }
}

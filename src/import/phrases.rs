//! FreeSWITCH phrase macros (`<macro name=...>` in the language files), so that a menu whose
//! prompt is `phrase:demo_ivr_main_menu` says what the macro plays rather than its name.
//!
//! A macro plays the actions of its first `<input>`'s `<match>`: `play-file` sound files (each
//! `[name]` lasting a few seconds, as any audio-only prompt), `silence_stream://MS` pauses,
//! `speak-text` words, `say` (a number or a name said aloud: counted as one sound) and
//! `phrase` another macro.

use std::collections::HashMap;
use std::sync::Arc;

use super::build::{AUDIO_SECONDS, audio_name};
use crate::menu::duration::seconds;
use crate::menu::model::Speech;
use crate::source::SourceFile;

/// Most macros one macro may go through (`phrase` actions): a loop is cut there.
const MAX_NESTING: usize = 8;

/// The phrase macros of some language files, by name.
#[derive(Debug, Default)]
pub struct Phrases {
    macros: HashMap<String, Macro>,
}

#[derive(Debug)]
struct Macro {
    parts: Vec<Part>,
    /// `file:line`, for the approximations list.
    place: String,
}

#[derive(Debug)]
enum Part {
    Sound(String),
    Pause(f64),
    Words(String),
    Phrase(String),
}

/// What a macro plays, flattened.
#[derive(Debug, PartialEq)]
pub struct Played {
    pub say: String,
    pub duration: f64,
    pub sounds: usize,
    pub place: String,
}

impl Phrases {
    /// The macros of these files; a file that is not well-formed XML is passed over (it is
    /// not the file being linted).
    pub fn read(files: &[Arc<SourceFile>]) -> Phrases {
        let mut phrases = Phrases::default();
        for file in files {
            let options = roxmltree::ParsingOptions {
                allow_dtd: false,
                nodes_limit: 500_000,
                ..roxmltree::ParsingOptions::default()
            };
            let Ok(doc) = roxmltree::Document::parse_with_options(file.text(), options) else {
                continue;
            };
            let macros = doc
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().name() == "macro");
            for m in macros {
                let Some(name) = m.attribute("name") else {
                    continue;
                };
                let Some(matched) = m
                    .children()
                    .filter(|n| n.tag_name().name() == "input")
                    .flat_map(|i| i.children())
                    .find(|n| n.tag_name().name() == "match")
                else {
                    continue;
                };
                let parts = matched
                    .children()
                    .filter(|n| n.tag_name().name() == "action")
                    .filter_map(|a| part(a.attribute("function")?, a.attribute("data")?))
                    .collect();
                let line = file.line_col(m.range().start).line;
                let place = format!("{}:{line}", audio_name(&file.name()));
                phrases
                    .macros
                    .entry(name.to_string())
                    .or_insert(Macro { parts, place });
            }
        }
        phrases
    }

    /// What `phrase:NAME` (or `phrase:NAME:args`) plays; `None` when no file read defines it.
    pub fn played(&self, reference: &str) -> Option<Played> {
        let name = reference.split(':').next().unwrap_or(reference).trim();
        let place = self.macros.get(name)?.place.clone();
        let mut words = Vec::new();
        let (mut sounds, mut pauses) = (0usize, 0.0);
        let mut stack: Vec<(&str, usize, usize)> = vec![(name, 0, 0)];
        while let Some((current, at, depth)) = stack.pop() {
            let Some(m) = self.macros.get(current) else {
                continue;
            };
            let Some(part) = m.parts.get(at) else {
                continue;
            };
            stack.push((current, at + 1, depth));
            match part {
                Part::Sound(file) => {
                    sounds += 1;
                    words.push(format!("[{file}]"));
                }
                Part::Pause(s) => pauses += s,
                Part::Words(text) => words.push(text.clone()),
                Part::Phrase(inner) if depth < MAX_NESTING => stack.push((inner, 0, depth + 1)),
                Part::Phrase(_) => {}
            }
        }
        let say = words.join(" ");
        let spoken: String = words
            .iter()
            .filter(|w| !w.starts_with('['))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let speech = if spoken.is_empty() {
            0.0
        } else {
            seconds(Some(&spoken), None, &Speech::default())
        };
        Some(Played {
            say,
            duration: sounds as f64 * AUDIO_SECONDS + pauses + speech,
            sounds,
            place,
        })
    }
}

/// One action of a macro.
fn part(function: &str, data: &str) -> Option<Part> {
    let data = data.trim();
    match function {
        "play-file" => match data.strip_prefix("silence_stream://") {
            Some(ms) => {
                let ms = ms.split(',').next()?.trim().parse::<f64>().ok()?;
                (ms.is_finite() && ms >= 0.0).then(|| Part::Pause((ms / 1000.0).min(60.0)))
            }
            None => Some(Part::Sound(audio_name(data))),
        },
        "speak-text" => Some(Part::Words(
            data.split_whitespace().collect::<Vec<_>>().join(" "),
        )),
        "say" => Some(Part::Sound(format!("say {data}"))),
        "phrase" => Some(Part::Phrase(
            data.split(':').next().unwrap_or(data).to_string(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Phrases {
        Phrases::read(&[SourceFile::new("lang/en/demo.xml", text.to_string())])
    }

    #[test]
    fn a_macro_plays_its_files_pauses_and_words() {
        let p = phrases(
            r#"<include>
  <macro name="main">
    <input pattern="(.*)"><match>
      <action function="play-file" data="ivr/ivr-welcome.wav"/>
      <action function="play-file" data="silence_stream://1500"/>
      <action function="phrase" data="press_one"/>
      <action function="execute" data="sleep(100)"/>
    </match></input>
  </macro>
  <macro name="press_one">
    <input pattern="(.*)"><match>
      <action function="speak-text" data="press one"/>
      <action function="play-file" data="digits/1.wav"/>
    </match></input>
  </macro>
  <macro name="loop"><input><match><action function="phrase" data="loop"/></match></input></macro>
</include>"#,
        );
        let played = p.played("main").unwrap();
        assert_eq!(played.say, "[ivr-welcome.wav] press one [1.wav]");
        assert_eq!(played.sounds, 2);
        assert_eq!(played.place, "demo.xml:2");
        let words = seconds(Some("press one"), None, &Speech::default());
        assert!((played.duration - (2.0 * AUDIO_SECONDS + 1.5 + words)).abs() < 1e-9);
        // A macro that plays itself stops at the nesting limit.
        assert_eq!(p.played("loop").unwrap().sounds, 0);
        assert_eq!(p.played("nowhere"), None);
    }
}

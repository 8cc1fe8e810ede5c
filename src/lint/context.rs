//! What a rule sees: the menu's [`Analysis`] (shared by every rule, computed once) and the
//! rule's own settings.

use crate::menu::NodeId;
use crate::menu::analysis::Analysis;

use super::settings::RuleSettings;

/// The view one rule gets: the shared analysis and its own settings.
pub struct Context<'a> {
    pub analysis: &'a Analysis<'a>,
    pub settings: &'a RuleSettings,
}

impl<'a> std::ops::Deref for Context<'a> {
    type Target = Analysis<'a>;
    fn deref(&self) -> &Analysis<'a> {
        self.analysis
    }
}

impl Context<'_> {
    /// The value of one of the rule's options.
    pub fn option(&self, name: &str) -> f64 {
        self.settings.values.get(name).copied().unwrap_or(0.0)
    }

    /// Exempt from `popular-first` and `too-many-options`: the agent option, back and repeat
    /// options (`*`, `#`, or leading back), and the complaint option.
    pub fn is_exempt(&self, menu: NodeId, index: usize) -> bool {
        let option = &self.menu.node(menu).options[index];
        matches!(option.key_text(), "*" | "#")
            || self.is_agent_option(option)
            || self.is_back_option(menu, option)
            || self.is_complaint_option(option)
    }
}

//! Small menus more than one test file lints.

/// A menu that is clean except for one warning (`billing` has no way back).
pub const WARNING_MENU: &str = r#"menu: Small
entry: main
defaults: { on_fail: agent }
nodes:
  main:
    options:
      - { key: "1", say: "For billing, press 1.", to: billing, traffic: 0.8 }
      - { key: "2", say: "To complain, press 2.", to: complaints }
      - { key: "0", say: "For an agent, press 0.", to: agent }
  billing:
    options:
      - { key: "1", say: "Your balance, press 1.", to: balance }
      - { key: "0", say: "An agent, press 0.", to: agent }
  balance: { type: self_service, serves: [balance] }
  complaints: { type: transfer, queue: complaints, complaint: true }
  agent: { type: transfer, queue: general, serves: ["*"] }
"#;

//! Generated menus of the sizes an attack review used (the generator lives in the library, so
//! that the benchmarks use it too).

pub use ivr::generate::menus_and_services;

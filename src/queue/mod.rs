//! Agent queues after the transfer: the analytic Erlang C / Erlang A answer and staffing.

pub mod erlang;

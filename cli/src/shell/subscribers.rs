//! `show subscribers …`, `show pppoe …`, `clear pppoe …`, `show interfaces` and
//! `clear network-access aaa subscriber` in the shell: the typed request
//! from the words, the reply rendered (or shown as JSON / XML).

use super::l2tp::{rpc, structured};
use super::subscriber_args::request;
use super::transport::Transport;
use super::words::Command;
use super::{
    render_interfaces, render_pools, render_pppoe, render_subscribers, Input, Lost, Pipe, Shell,
};
use schema::interface_rpc::{InterfaceLevel, INTERFACES_ROOT};
use schema::mgmt::{Reply, Request};
use schema::subscriber_rpc::{roots, PppoeSelect, SubscriberShow};

impl<T: Transport> Shell<T> {
    pub(super) fn subscriber_command(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let parsed = request(cmd.action, cmd.node, cmd.args);
        let Some(request) = self.request_or_report(line, cmd.args, parsed) else {
            return Ok(());
        };
        let show = match &request {
            Request::GetSubscribers(show) => show.clone(),
            _ => SubscriberShow::default(),
        };
        let select = match &request {
            Request::GetPppoeStatistics(select) => select.clone(),
            _ => PppoeSelect::default(),
        };
        let level = match &request {
            Request::GetInterfaceInformation(show) => show.level,
            _ => InterfaceLevel::Default,
        };
        let structured = structured(pipes);
        let shown = match self.call(request)? {
            Ok(Reply::Subscribers(s)) => {
                let root = if show.summary {
                    roots::SUBSCRIBERS_SUMMARY
                } else {
                    roots::SUBSCRIBERS
                };
                rpc(
                    root,
                    structured,
                    &|| render_subscribers::subscribers(&s, &show),
                    &s,
                )
            }
            Ok(Reply::PppoeInterfaces(i)) => rpc(
                roots::PPPOE_INTERFACES,
                structured,
                &|| render_pppoe::interfaces(&i),
                &i,
            ),
            Ok(Reply::PppoeStatistics(s)) => rpc(
                roots::PPPOE_STATISTICS,
                structured,
                &|| render_pppoe::statistics(&s, &select),
                &s,
            ),
            Ok(Reply::PppoeServiceNameTables(t)) => rpc(
                roots::PPPOE_SERVICE_NAME_TABLES,
                structured,
                &|| render_pppoe::service_name_tables(&t),
                &t,
            ),
            Ok(Reply::AddressPools(p)) => rpc(
                roots::ADDRESS_POOLS,
                structured,
                &|| render_pools::address_pools(&p),
                &p,
            ),
            Ok(Reply::Interfaces(i)) => rpc(
                INTERFACES_ROOT,
                structured,
                &|| render_interfaces::interfaces(&i, level),
                &i,
            ),
            Ok(Reply::SubscribersLoggedOut(l)) => {
                self.print(&render_interfaces::logged_out(&l));
                return Ok(());
            }
            Ok(Reply::PppoeCleared(c)) => {
                self.print(&render_pppoe::cleared(&c));
                return Ok(());
            }
            Ok(other) => {
                self.unexpected(&other);
                return Ok(());
            }
            Err(e) => {
                self.report_plain(e, None);
                return Ok(());
            }
        };
        self.emit_rpc(shown, pipes, input);
        Ok(())
    }
}

//! One hour of the marketplace: new orders, scheduled requests, supervision moving, the history's merchant, bills.

use chrono::{Datelike, Duration, Timelike};
use koodesk_domain::invoice::{Channel, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::refund::RefundRule;
use koodesk_domain::settlement::{self, YearMonth};
use koodesk_domain::supervision::{self, Action, Flow, ProductType, Side, Step};
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::feed::{
    BillStatus, BuyerKind, FeedBill, InvoiceRequestStatus, InvoiceTitle, Kind, OrderStatus, UnsubscriptionStatus,
};
use koodesk_protocol::open_api::OrderType;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{rng_for, salt, Event, FlowRec, InvoiceRec, OrderRec, UnsubRec, World};

/// The history's merchant stops this long before `start`, so a seller opening the sandbox finds a backlog.
const MERCHANT_BACKLOG_HOURS: i64 = 36;

const UNSUB_REASONS: &[&str] = &["需求变更", "功能不满足预期", "重复购买", "项目取消", "商家未按时交付"];
const REJECT_REASONS: &[&str] = &["需求描述不完整", "交付内容与约定不符", "缺少验收文档"];

/// A random instant in `[t0, t0 + 1 h)`.
fn within_hour(rng: &mut ChaCha8Rng, t0: Instant) -> Instant {
    t0 + Duration::seconds(rng.gen_range(0..3600))
}

fn order_id(rng: &mut ChaCha8Rng, at: Instant) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let suffix: String = (0..5).map(|_| char::from(ALNUM[rng.gen_range(0..ALNUM.len())])).collect();
    format!("CS{}{suffix}", time::to_beijing(at).format("%y%m%d%H%M"))
}

impl World {
    /// Until when the sandbox plays the merchant.
    fn merchant_until(&self) -> Instant {
        self.cfg.start - Duration::hours(MERCHANT_BACKLOG_HOURS)
    }

    pub(super) fn simulate_hour(&mut self, h: i64) {
        let t0 = self.cfg.epoch() + Duration::hours(h);
        let t1 = t0 + Duration::hours(1);
        self.new_orders(h, t0);
        self.run_events(t1);
        self.advance_flows(h, t0, t1);
        if t0 < self.merchant_until() {
            self.history_merchant(h, t0);
        }
        self.bills(t0);
    }

    fn new_orders(&mut self, h: i64, t0: Instant) {
        let mut rng = rng_for(self.cfg.seed, h, 1);
        let rate = self.cfg.orders_per_day.max(0.0) / 24.0;
        let count = if rate * 2.0 >= 1.0 {
            rng.gen_range(0..=(rate * 2.0).floor() as u64)
        } else {
            u64::from(rng.gen_bool(rate.min(1.0)))
        };
        let mut times: Vec<Instant> = (0..count).map(|_| within_hour(&mut rng, t0)).collect();
        times.sort();
        for at in times {
            self.new_order(&mut rng, at);
        }
    }

    fn new_order(&mut self, rng: &mut ChaCha8Rng, at: Instant) {
        let pi = rng.gen_range(0..self.products.len());
        let bi = rng.gen_range(0..self.buyers.len());
        let product = &self.products[pi];
        let saas_period = product.access_type == koodesk_domain::catalog::AccessType::Saas
            && product.billing_mode == koodesk_domain::catalog::BillingMode::Period;
        let is_period = product.billing_mode == koodesk_domain::catalog::BillingMode::Period;
        let roll = rng.gen_range(0..100);
        let order_type = match roll {
            0..=4 if saas_period => OrderType::Trial,
            5..=9 if saas_period => OrderType::Change,
            10..=24 if is_period => OrderType::Renew,
            _ => OrderType::New,
        };
        self.place_order(rng, at, pi, bi, order_type);
    }

    /// An order of buyer `bi` for product `pi` placed at `at`, with what follows from it: its supervision flow,
    /// its provisioning through the production interface (SaaS), later invoice and unsubscription requests.
    /// Returns its index.
    pub(super) fn place_order(
        &mut self,
        rng: &mut ChaCha8Rng,
        at: Instant,
        pi: usize,
        bi: usize,
        order_type: OrderType,
    ) -> usize {
        let product = self.products[pi].clone();
        let quantity = if product.billing_mode == koodesk_domain::catalog::BillingMode::PerQuantity {
            rng.gen_range(1..=5)
        } else {
            1
        };
        let list_price = Cny::from_fen(product.price.to_fen().unwrap_or(0) * quantity);
        let amount = if order_type == OrderType::Trial { Cny::ZERO } else { list_price };
        let mut id = order_id(rng, at);
        while self.order_index.contains_key(&id) {
            id = order_id(rng, at);
        }
        let supervised = product.supervised && order_type == OrderType::New;
        // A SaaS order is in progress until the seller's production interface has provisioned it [KG §7].
        let saas = product.access_type == koodesk_domain::catalog::AccessType::Saas;
        let in_progress = supervised || saas;
        let oi = self.orders.len();
        self.orders.push(OrderRec {
            line_id: format!("{id}-000001"),
            id: id.clone(),
            order_type,
            created_at: at,
            product: pi,
            buyer: bi,
            amount,
            list_price,
            status: if in_progress { OrderStatus::InProgress } else { OrderStatus::Completed },
            settled_at: if in_progress { None } else { Some(at) },
            flow: None,
            calls: Vec::new(),
            live: false,
            instance_id: None,
            seq: 0,
        });
        self.order_index.insert(id, oi);
        if let (true, Some(pt)) = (supervised, product.product_type) {
            let joint = product.channel == Channel::JointOperation;
            let rereview = supervision::needs_rereview(pt, joint, self.buyers[bi].scenario, time::business_date(&at));
            let fi = self.flows.len();
            self.flows.push(FlowRec {
                order: oi,
                flow: Flow::start(pt, rereview, at),
                unresponsive_user: rng.gen_bool(0.12),
                proofs: Vec::new(),
                seq: 0,
            });
            self.orders[oi].flow = Some(fi);
            self.active_flows.push(fi);
            self.touch(Kind::Supervision, fi);
        }
        self.touch(Kind::Orders, oi);
        if saas && self.live_calls && at >= self.cfg.start {
            // From the start on, KooGallery's calls go to the seller's real production interface.
            self.orders[oi].live = true;
            self.queue_provisioning(oi, at);
        } else if saas {
            // Its own generator, so the rest of the world draws what it drew before provisioning was simulated.
            let mut calls = rng_for(self.cfg.seed, self.hour_of(at), salt::CALLS + oi as u64);
            let activity = super::provisioning::provisioning_activity(order_type);
            let first = at + Duration::seconds(calls.gen_range(1..20));
            self.interface_attempt(&mut calls, oi, activity, 1, first);
        }
        if amount.is_zero() {
            return oi;
        }
        if rng.gen_bool(0.3) {
            self.schedule(at + Duration::hours(rng.gen_range(1..96)), Event::InvoiceRequest { order: oi });
        }
        if order_type == OrderType::New && rng.gen_bool(0.08) {
            if supervised {
                self.schedule(at + Duration::hours(rng.gen_range(6..240)), Event::Unsubscription { order: oi });
            } else if product.five_day_refundable() {
                self.schedule(
                    at + Duration::minutes(rng.gen_range(30..(119 * 60))),
                    Event::Unsubscription { order: oi },
                );
            }
        }
        oi
    }

    fn run_events(&mut self, until: Instant) {
        while let Some(std::cmp::Reverse((at, n, _))) = self.events.peek() {
            if *at >= until {
                break;
            }
            let (at, n) = (*at, *n);
            let Some(std::cmp::Reverse((_, _, event))) = self.events.pop() else { break };
            let mut rng = rng_for(self.cfg.seed, self.hour_of(at), salt::EVENT + n);
            match event {
                Event::InvoiceRequest { order } => self.invoice_request(&mut rng, order, at),
                Event::Unsubscription { order } => self.unsubscription(&mut rng, order, at),
                Event::InterfaceAttempt { order, activity, attempt } => {
                    self.interface_attempt(&mut rng, order, activity, attempt, at)
                }
            }
        }
    }

    fn invoice_request(&mut self, rng: &mut ChaCha8Rng, oi: usize, at: Instant) {
        if self.orders[oi].status == OrderStatus::Refunded {
            return;
        }
        let buyer = self.buyers[self.orders[oi].buyer].clone();
        let special = buyer.taxpayer_id.is_some() && rng.gen_bool(0.4);
        let medium = match rng.gen_range(0..100) {
            0..=69 => Medium::FullyDigital,
            70..=84 => Medium::Electronic,
            _ => Medium::Paper,
        };
        let enterprise = buyer.kind == BuyerKind::Enterprise;
        let title = InvoiceTitle {
            kind: buyer.kind,
            name: buyer.name.clone(),
            taxpayer_id: buyer.taxpayer_id.clone(),
            address: (enterprise && special).then(|| "北京市海淀区中关村大街1号 010-88886666".to_string()),
            bank_account: (enterprise && special).then(|| "中国工商银行北京中关村支行 0200001234567890123".to_string()),
        };
        let ri = self.invoices.len();
        self.invoices.push(InvoiceRec {
            id: format!("IR{:07}", ri + 1),
            orders: vec![oi],
            requested_at: at,
            kind: if special { InvoiceKind::Special } else { InvoiceKind::Ordinary },
            medium,
            title,
            amount: self.orders[oi].amount,
            status: InvoiceRequestStatus::Requested,
            number: None,
            issued_at: None,
            seq: 0,
        });
        self.open_invoices.push(ri);
        self.touch(Kind::InvoiceRequests, ri);
    }

    fn unsubscription(&mut self, rng: &mut ChaCha8Rng, oi: usize, at: Instant) {
        let order = &self.orders[oi];
        if order.status == OrderStatus::Refunded {
            return;
        }
        // Supervision completed: no longer refundable [KG §4].
        if order.flow.is_some_and(|fi| self.flows[fi].flow.is_completed()) {
            return;
        }
        let negotiated = order.flow.is_some();
        let paid = order.amount;
        let refund_amount = if negotiated {
            let pct = rng.gen_range(30..=100);
            Cny::from_fen(paid.to_fen().unwrap_or(0) * pct / 100).max(Cny::from_fen(1))
        } else {
            paid
        };
        let ui = self.unsubs.len();
        self.unsubs.push(UnsubRec {
            id: format!("UN{:07}", ui + 1),
            order: oi,
            rule: if negotiated { RefundRule::Negotiated } else { RefundRule::FiveDayFull },
            requested_at: at,
            refund_amount,
            reason: UNSUB_REASONS.choose(rng).copied().unwrap_or("需求变更").to_string(),
            status: if negotiated { UnsubscriptionStatus::Pending } else { UnsubscriptionStatus::Refunded },
            review_due: negotiated.then(|| self.calendar.add_working_days(time::business_date(&at), 7).value),
            decision_reason: None,
            seq: 0,
        });
        self.touch(Kind::Unsubscriptions, ui);
        if negotiated {
            self.pending_unsubs.push(ui);
        } else {
            self.refund_order(rng, oi, at);
        }
    }

    fn advance_flows(&mut self, h: i64, t0: Instant, t1: Instant) {
        let active = std::mem::take(&mut self.active_flows);
        let mut still = Vec::with_capacity(active.len());
        for fi in active {
            let oi = self.flows[fi].order;
            if self.orders[oi].status == OrderStatus::Refunded || self.flows[fi].flow.is_completed() {
                continue;
            }
            let mut rng = rng_for(self.cfg.seed, h, 1_000_000 + fi as u64);
            let at = within_hour(&mut rng, t0);
            if at >= self.flows[fi].flow.step_started_at() && at < t1 {
                if let Some((side, action)) = self.next_move(&mut rng, fi, at) {
                    if self.flows[fi].flow.apply(side, action, at).is_ok() {
                        self.after_flow_change(fi, at);
                    }
                }
            }
            if !self.flows[fi].flow.is_completed() {
                still.push(fi);
            }
        }
        self.active_flows = still;
    }

    /// What happens to a flow this hour, if anything: users, Huawei Cloud, and (in the history) the merchant.
    fn next_move(&self, rng: &mut ChaCha8Rng, fi: usize, at: Instant) -> Option<(Side, Action)> {
        let rec = &self.flows[fi];
        let flow = &rec.flow;
        let history = at < self.merchant_until();
        if let Some(appeal) = flow.appeal() {
            let decided = at >= appeal.at + Duration::hours(24) && rng.gen_bool(0.03);
            return decided.then_some((Side::Platform, Action::ResolveAppeal { complete: false }));
        }
        let clocks = flow.clocks()?;
        let hardware = flow.product() == ProductType::Hardware;
        match flow.step().side()? {
            Side::User => {
                if hardware && flow.step() == Step::Accept {
                    if flow.auto_accept_at().is_some_and(|due| at >= due) {
                        return Some((Side::Platform, Action::AutoAccept));
                    }
                    if flow.parcel().is_none()
                        && at >= flow.step_started_at() + Duration::hours(48)
                        && rng.gen_bool(0.3)
                    {
                        return Some((Side::Platform, Action::ParcelSigned { phone_matches: rng.gen_bool(0.95) }));
                    }
                }
                if history && clocks.merchant_may_appeal(at) && rng.gen_bool(0.05) {
                    return Some((Side::Merchant, Action::Appeal { reason: "用户长时间未处理".into() }));
                }
                let p = if hardware { 0.03 } else { 0.1 };
                if rec.unresponsive_user || !rng.gen_bool(p) {
                    return None;
                }
                let action = match flow.step() {
                    Step::Accept if rng.gen_bool(0.2) => Action::Reject {
                        reason: REJECT_REASONS.choose(rng).copied().unwrap_or("交付内容与约定不符").into(),
                    },
                    Step::Accept => Action::Accept,
                    _ => Action::Submit,
                };
                Some((Side::User, action))
            }
            Side::Merchant => {
                if clocks.user_may_appeal(at) && rng.gen_bool(0.02) {
                    return Some((Side::User, Action::Appeal { reason: "商家长时间未处理".into() }));
                }
                if !history || !rng.gen_bool(0.15) {
                    return None;
                }
                let action = match flow.step() {
                    Step::ConfirmRequirements if rng.gen_bool(0.1) => {
                        Action::Reject { reason: "需求不明确".into() }
                    }
                    Step::ConfirmRequirements => Action::Confirm,
                    Step::ActivateCode => Action::Activate,
                    _ => Action::Deliver { proof: "交付报告.pdf".into() },
                };
                Some((Side::Merchant, action))
            }
            Side::Platform => rng.gen_bool(0.08).then(|| {
                if rng.gen_bool(0.05) {
                    (Side::Platform, Action::Reject { reason: "复核材料不全".into() })
                } else {
                    (Side::Platform, Action::Accept)
                }
            }),
        }
    }

    /// Before `start`, the sandbox plays the merchant for unsubscriptions and invoices too.
    fn history_merchant(&mut self, h: i64, t0: Instant) {
        let pending = std::mem::take(&mut self.pending_unsubs);
        let mut still = Vec::new();
        for ui in pending {
            if self.unsubs[ui].status != UnsubscriptionStatus::Pending {
                continue;
            }
            let mut rng = rng_for(self.cfg.seed, h, 2_000_000 + ui as u64);
            if t0 >= self.unsubs[ui].requested_at + Duration::hours(24) && rng.gen_bool(0.05) {
                let approve = rng.gen_bool(0.7);
                let reason = if approve { String::new() } else { "服务已按约定交付".to_string() };
                self.settle_unsubscription(ui, approve, Some(reason));
            } else {
                still.push(ui);
            }
        }
        self.pending_unsubs = still;
        let open = std::mem::take(&mut self.open_invoices);
        let mut still = Vec::new();
        for ri in open {
            if self.invoices[ri].status != InvoiceRequestStatus::Requested {
                continue;
            }
            let mut rng = rng_for(self.cfg.seed, h, 3_000_000 + ri as u64);
            // Most are issued within a few days; a few are left to go overdue.
            if t0 >= self.invoices[ri].requested_at + Duration::hours(12) && rng.gen_bool(0.03) && ri % 10 != 0 {
                let number: String = (0..18).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect();
                let r = &mut self.invoices[ri];
                r.status = InvoiceRequestStatus::Issued;
                r.number = Some(format!("{}{number}", t0.year() % 100));
                r.issued_at = Some(within_hour(&mut rng, t0));
                self.touch(Kind::InvoiceRequests, ri);
            } else {
                still.push(ri);
            }
        }
        self.open_invoices = still;
    }

    /// Monthly bills at 09:00 Beijing on the bill date, and their progress [KG §5].
    fn bills(&mut self, t0: Instant) {
        let local = time::to_beijing(t0);
        if local.hour() != 9 {
            return;
        }
        let today = local.date_naive();
        let period = YearMonth::of(today - Duration::days(today.day() as i64));
        let generated = self.bills.iter().any(|b| b.period == period.to_string());
        let epoch_month = YearMonth::of(time::business_date(&self.cfg.epoch()));
        if !generated && period >= epoch_month {
            let schedule = settlement::schedule(period, self.calendar).value;
            if schedule.bill_date == today {
                self.generate_bill(period, schedule);
            }
        }
        for bi in 0..self.bills.len() {
            let b = &self.bills[bi];
            let reached = |d: &str| d <= today.to_string().as_str();
            let status = if reached(&b.payment_by) {
                BillStatus::Paid
            } else if reached(&b.sign_off_by) {
                BillStatus::SignedOff
            } else if reached(&b.send_by) {
                BillStatus::Sent
            } else {
                BillStatus::Generated
            };
            if status != b.status {
                self.bills[bi].status = status;
                self.touch(Kind::Bills, bi);
            }
        }
    }

    fn generate_bill(&mut self, period: YearMonth, s: settlement::SettlementSchedule) {
        let (count, total) = self
            .orders
            .iter()
            .filter(|o| o.status != OrderStatus::Refunded && !o.amount.is_zero())
            .filter(|o| self.products[o.product].channel == Channel::General)
            .filter(|o| o.settled_at.is_some_and(|t| YearMonth::of(time::business_date(&t)) == period))
            .fold((0u32, Cny::ZERO), |(n, sum), o| (n + 1, sum + o.amount));
        let fee = settlement::platform_fee(total, s.bill_date);
        let bi = self.bills.len();
        self.bills.push(FeedBill {
            bill_id: s.bill_id.clone(),
            period: period.to_string(),
            bill_date: s.bill_date.to_string(),
            send_by: s.send_by.to_string(),
            sign_off_by: s.sign_off_by.to_string(),
            payment_by: s.payment_by.to_string(),
            order_count: count,
            amount: total,
            platform_fee: fee.fee,
            merchant_share: fee.merchant_share,
            status: BillStatus::Generated,
            seq: 0,
        });
        self.touch(Kind::Bills, bi);
    }
}

//! Address pools at the LNS (`access address-assignment pool`): which IPv4 address each
//! subscriber gets in IPCP, and ours (the pool's gateway) for the other end of the link.
//!
//! Each pool keeps a bit per address of its ranges (merged, so overlapping ranges hand out an
//! address once) and a next-fit cursor: an address released is handed out again only after
//! the rest of the pool, so a new subscriber does not inherit a just-freed address whose
//! routes, ARP entries or flows elsewhere still point at the previous holder. The leases
//! themselves (address → holder) are one map across all pools: an address is held once,
//! whichever pools contain it, and a commit that moves or removes a pool never frees a held
//! address under its subscriber.
//!
//! Junos' pool statements act here: `excluded-address` / `excluded-range` are cut out of the
//! pool like the gateways (a commit that excludes an address a pool gave out names its
//! holder in [`AddressPools::excluded_holders`], and the engine logs it out as Junos does);
//! `hold-down` and `active-drain` give no new address from the pool; `link` names the pool
//! searched next when the matching one has no free address, and `linked-pool-aggregation`
//! how the linked pools are searched; the `high-utilization` / `abated-utilization` marks
//! raise and clear a [`PoolAlarm`]. `address-protection reassign-on-match` asks
//! [`AddressPools::reassignable_holder`] who to log out for a newcomer.
//!
//! Sans-IO and clock-free: the engine allocates at IPCP, releases when the subscriber goes,
//! and calls [`AddressPools::configure`] at each commit.

use schema::subscriber_rpc::{AddressPoolUse, AddressPoolsReply, AddressRangeUse};
use schema::typed::{AddressPool, Ipv4Prefix, PoolUtilization};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;

/// An address given to a subscriber, and what its IPCP needs with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub address: Ipv4Addr,
    /// The pool the address came from; `None`: a fixed address outside every pool.
    pub pool: Option<Arc<str>>,
    /// Our IPCP address: the pool's gateway (for a fixed address outside every pool, the
    /// gateway of the pool whose network contains it, else of the first pool).
    pub local: Ipv4Addr,
    /// The pool's `wins-server`s: IPCP's NetBIOS name servers.
    pub primary_wins: Option<Ipv4Addr>,
    pub secondary_wins: Option<Ipv4Addr>,
}

/// Why no address was given, in the operator's words (they end up in logs and `show`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    #[error("address pool {0} is not configured")]
    NoSuchPool(String),
    #[error("address pool {0} is exhausted")]
    Exhausted(String),
    /// `hold-down` or `active-drain`, and no linked pool with a free address.
    #[error("address pool {0} gives no new addresses (hold-down or active-drain)")]
    HeldDown(String),
    #[error("address {0} is already assigned")]
    InUse(Ipv4Addr),
    #[error("no address pool is configured")]
    NoPool,
}

/// The use of a pool, or of a linked set of pools (Junos measures the set), crossed a
/// utilization mark (`[edit access address-assignment]` `high-utilization`, then
/// `abated-utilization`): the engine logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolAlarm {
    /// The pool, or the first pool of the linked set.
    pub pool: Arc<str>,
    /// The rest of the linked set, in link order.
    pub linked: Vec<Arc<str>>,
    /// True: use rose above `high-utilization`; false: it fell below `abated-utilization`.
    pub raised: bool,
    pub used: u64,
    pub size: u64,
}

/// A run of addresses of one pool that no other run of it touches, with a bit per address
/// (set: held by someone, whatever pool their lease names).
#[derive(Debug)]
struct Block {
    low: u32,
    high: u32,
    bits: Vec<u64>,
}

impl Block {
    fn new(low: u32, high: u32) -> Block {
        let len = u64::from(high - low) + 1;
        Block {
            low,
            high,
            bits: vec![0; len.div_ceil(64) as usize],
        }
    }

    fn len(&self) -> u64 {
        u64::from(self.high - self.low) + 1
    }

    fn contains(&self, address: u32) -> bool {
        (self.low..=self.high).contains(&address)
    }

    /// Sets or clears the bit of `address` (an address of the block); whether it changed.
    fn set(&mut self, address: u32, held: bool) -> bool {
        let offset = (address - self.low) as usize;
        let Some(word) = self.bits.get_mut(offset / 64) else {
            return false;
        };
        let bit = 1u64 << (offset % 64);
        let was = *word & bit != 0;
        if held {
            *word |= bit;
        } else {
            *word &= !bit;
        }
        was != held
    }

    /// The first free address at or above `from` (an address of the block): a word at a time,
    /// so a full stretch costs 1/64 of its length.
    fn first_free_from(&self, from: u32) -> Option<u32> {
        let start = (from - self.low) as usize;
        let mut mask = !0u64 << (start % 64);
        for (index, word) in self.bits.iter().enumerate().skip(start / 64) {
            let free = !word & mask;
            if free != 0 {
                // Bits past the end are never set: a free one there means none before it.
                let offset = index * 64 + free.trailing_zeros() as usize;
                return ((offset as u64) < self.len()).then(|| self.low + offset as u32);
            }
            mask = !0;
        }
        None
    }

    /// How many addresses of `low..=high` (clipped to the block) are held.
    fn held_between(&self, low: u32, high: u32) -> u64 {
        let (low, high) = (low.max(self.low), high.min(self.high));
        if low > high {
            return 0;
        }
        let (first, last) = ((low - self.low) as usize, (high - self.low) as usize);
        let mut count = 0;
        for index in first / 64..=last / 64 {
            let mut word = self.bits.get(index).copied().unwrap_or(0);
            if index == first / 64 {
                word &= !0u64 << (first % 64);
            }
            if index == last / 64 && last % 64 != 63 {
                word &= (1u64 << (last % 64 + 1)) - 1;
            }
            count += u64::from(word.count_ones());
        }
        count
    }
}

/// One configured pool.
#[derive(Debug)]
struct Pool {
    name: Arc<str>,
    network: Ipv4Prefix,
    gateway: Ipv4Addr,
    primary_dns: Option<Ipv4Addr>,
    secondary_dns: Option<Ipv4Addr>,
    primary_wins: Option<Ipv4Addr>,
    secondary_wins: Option<Ipv4Addr>,
    /// As configured, for `show`: name, low, high.
    ranges: Vec<(String, u32, u32)>,
    /// The ranges' host addresses, merged: sorted and disjoint.
    blocks: Vec<Block>,
    size: u64,
    used: u64,
    /// Where the next search starts (next-fit).
    cursor: u32,
    /// `link`: the pool searched next.
    link: Option<Arc<str>>,
    /// `excluded-address` / `excluded-range`, as (low, high).
    excluded: Vec<(u32, u32)>,
    /// `hold-down` / `active-drain`: nothing new is given from this pool.
    hold_down: bool,
    /// For the first pool of a linked set: the set's use is above `high-utilization` and
    /// has not fallen below `abated-utilization` since.
    alarmed: bool,
    /// Which of [`AddressPools::chains`] this pool is in.
    chain: usize,
}

impl Pool {
    /// `None` for a pool the commit check refuses (no network, no gateway): only a bug
    /// brings one here, and then it hands out nothing rather than a wrong address.
    /// `reserved`: every pool's gateway, sorted: another pool's range may cover one (pools
    /// of overlapping networks), and a router address is never a subscriber's. The pool's
    /// own exclusions are cut out with them.
    fn new(name: &str, config: &AddressPool, reserved: &[u32]) -> Option<Pool> {
        let network = config.network?;
        let gateway = config.gateway()?;
        let (hosts_low, hosts_high) = config.host_addresses()?;
        let (hosts_low, hosts_high) = (u32::from(hosts_low), u32::from(hosts_high));
        let ranges: Vec<(String, u32, u32)> = config
            .ranges
            .iter()
            .map(|(name, r)| (name.clone(), u32::from(r.low), u32::from(r.high)))
            .collect();
        let mut spans: Vec<(u32, u32)> = ranges
            .iter()
            .map(|(_, low, high)| ((*low).max(hosts_low), (*high).min(hosts_high)))
            .filter(|(low, high)| low <= high)
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::new();
        for (low, high) in spans {
            match merged.last_mut() {
                Some(last) if u64::from(low) <= u64::from(last.1) + 1 => last.1 = last.1.max(high),
                _ => merged.push((low, high)),
            }
        }
        let excluded: Vec<(u32, u32)> = config
            .excluded
            .values()
            .map(|r| (u32::from(r.low), u32::from(r.high)))
            .filter(|(low, high)| low <= high)
            .collect();
        let mut holes: Vec<(u32, u32)> = reserved.iter().map(|r| (*r, *r)).collect();
        holes.extend(excluded.iter().copied());
        holes.sort_unstable();
        let spans = without_holes(&merged, &holes);
        // The commit check bounds a pool's size; should an unchecked one come, its first
        // addresses up to the bound are used rather than memory without end.
        let mut blocks = Vec::new();
        let mut size = 0u64;
        for (low, high) in spans {
            let room = AddressPool::MAX_ADDRESSES - size;
            if room == 0 {
                break;
            }
            let high = if u64::from(high - low) + 1 > room {
                low + (room - 1) as u32
            } else {
                high
            };
            let block = Block::new(low, high);
            size += block.len();
            blocks.push(block);
        }
        Some(Pool {
            name: Arc::from(name),
            network,
            gateway,
            primary_dns: config.name_servers.first().copied(),
            secondary_dns: config.name_servers.get(1).copied(),
            primary_wins: config.wins_servers.first().copied(),
            secondary_wins: config.wins_servers.get(1).copied(),
            ranges,
            cursor: blocks.first().map_or(0, |b| b.low),
            blocks,
            size,
            used: 0,
            link: config.link.as_deref().map(Arc::from),
            excluded,
            hold_down: config.hold_down,
            alarmed: false,
            chain: 0,
        })
    }

    /// Whether this pool may give a new address now.
    fn can_give(&self) -> bool {
        !self.hold_down && self.free() > 0
    }

    fn block_index(&self, address: u32) -> Option<usize> {
        let index = self.blocks.partition_point(|b| b.high < address);
        self.blocks
            .get(index)
            .filter(|b| b.contains(address))
            .map(|_| index)
    }

    fn contains(&self, address: Ipv4Addr) -> bool {
        self.block_index(address.into()).is_some()
    }

    /// Whether the pool's use changed.
    fn mark(&mut self, address: Ipv4Addr, held: bool) -> bool {
        let address = u32::from(address);
        let Some(index) = self.block_index(address) else {
            return false;
        };
        let Some(block) = self.blocks.get_mut(index) else {
            return false;
        };
        let changed = block.set(address, held);
        if changed {
            if held {
                self.used += 1;
            } else {
                self.used -= 1;
            }
        }
        changed
    }

    fn free(&self) -> u64 {
        self.size - self.used
    }

    /// The next free address from the cursor on, wrapping once around the pool.
    fn next_free(&self) -> Option<Ipv4Addr> {
        self.free_from_cursor(true)
    }

    /// The next free address from the cursor on; `wrap`: then from the pool's first address
    /// up to the cursor (else the search stops at the pool's last address).
    fn free_from_cursor(&self, wrap: bool) -> Option<Ipv4Addr> {
        if self.free() == 0 {
            return None;
        }
        let start = self.blocks.partition_point(|b| b.high < self.cursor);
        let count = self.blocks.len();
        let steps = if wrap {
            count
        } else {
            count.saturating_sub(start + 1)
        };
        (0..=steps).find_map(|step| {
            let block = self.blocks.get((start + step) % count.max(1))?;
            let from = if step == 0 {
                self.cursor.max(block.low)
            } else {
                block.low
            };
            if from > block.high {
                return None;
            }
            block.first_free_from(from).map(Ipv4Addr::from)
        })
    }

    fn excludes(&self, address: u32) -> bool {
        self.excluded
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&address))
    }

    fn lease(&self, address: Ipv4Addr, pool: Option<Arc<str>>) -> Lease {
        Lease {
            address,
            pool,
            local: self.gateway,
            primary_wins: self.primary_wins,
            secondary_wins: self.secondary_wins,
        }
    }

    fn held_in_range(&self, low: u32, high: u32) -> u64 {
        self.blocks
            .iter()
            .map(|block| block.held_between(low, high))
            .sum()
    }

    fn hosts_in_range(&self, low: u32, high: u32) -> u64 {
        self.blocks
            .iter()
            .map(|b| {
                let (low, high) = (low.max(b.low), high.min(b.high));
                if low > high {
                    0
                } else {
                    u64::from(high - low) + 1
                }
            })
            .sum()
    }
}

/// Who holds an address and which pool it was given from.
#[derive(Debug, Clone)]
struct Held {
    holder: u64,
    pool: Option<Arc<str>>,
    /// Handed out by a pool's search (not a fixed address RADIUS or a client entry named):
    /// only such an address is taken back when a commit excludes it (Junos keeps exclusions
    /// for static subscribers).
    dynamic: bool,
}

/// Every configured pool and every address held.
#[derive(Debug, Default)]
pub struct AddressPools {
    /// Sorted by name: `allocate(None, ..)` takes the first with a free address.
    pools: Vec<Pool>,
    leases: HashMap<Ipv4Addr, Held>,
    /// `high-utilization` / `abated-utilization`.
    marks: PoolUtilization,
    /// Alarms raised or cleared since the engine last took them.
    alarms: Vec<PoolAlarm>,
    /// The linked sets: each pool's index once, from the set's first pool in link order (a
    /// pool linked to nothing and from nothing is a set of its own).
    chains: Vec<Vec<usize>>,
    /// `linked-pool-aggregation`: see [`AddressPools::find_in_chain`].
    aggregation: bool,
}

impl AddressPools {
    pub fn new() -> Self {
        Self::default()
    }

    /// A commit. Leases survive when the pool keeps their address (same name, address still
    /// in a range); leases whose address left its pool stay held until released (never
    /// handed out twice) and `show` counts them as "outside"; a removed pool's leases
    /// likewise. A pool that keeps its name keeps its cursor, so next-fit goes on.
    pub fn configure(&mut self, pools: &BTreeMap<String, AddressPool>) {
        let mut reserved: Vec<u32> = pools
            .values()
            .filter_map(AddressPool::gateway)
            .map(u32::from)
            .collect();
        reserved.sort_unstable();
        reserved.dedup();
        let mut fresh: Vec<Pool> = pools
            .iter()
            .filter_map(|(name, config)| Pool::new(name, config, &reserved))
            .collect();
        for pool in &mut fresh {
            if let Some(old) = self.pool(&pool.name) {
                pool.cursor = old.cursor;
                pool.alarmed = old.alarmed;
            }
        }
        for address in self.leases.keys() {
            for pool in &mut fresh {
                pool.mark(*address, true);
            }
        }
        self.chains = chains_of(&mut fresh);
        self.pools = fresh;
        self.check_alarms(0..self.chains.len());
    }

    /// The commit's `high-utilization` / `abated-utilization` (call before
    /// [`AddressPools::configure`], which measures the pools against them).
    pub fn set_utilization_marks(&mut self, marks: PoolUtilization) {
        self.marks = marks;
    }

    /// The commit's `linked-pool-aggregation`.
    pub fn set_linked_pool_aggregation(&mut self, on: bool) {
        self.aggregation = on;
    }

    /// The holders of addresses a pool handed out that a pool now excludes (`excluded-address`
    /// / `excluded-range` added by a commit): Junos logs each out, and the address is then
    /// never handed out again. Sorted by address.
    pub fn excluded_holders(&self) -> Vec<(Ipv4Addr, u64)> {
        // Most commits exclude nothing: no walk over every lease then.
        if self.pools.iter().all(|p| p.excluded.is_empty()) {
            return Vec::new();
        }
        let mut holders: Vec<(Ipv4Addr, u64)> = self
            .leases
            .iter()
            .filter(|(address, held)| {
                held.dynamic && self.pools.iter().any(|p| p.excludes(u32::from(**address)))
            })
            .map(|(address, held)| (*address, held.holder))
            .collect();
        holders.sort_unstable();
        holders
    }

    /// `address-protection reassign-on-match`: the holder to log out when RADIUS gives
    /// another subscriber `address`. Junos: only for an address outside every locally
    /// configured pool; the newcomer is still refused, and gets it when it tries again.
    pub fn reassignable_holder(&self, address: Ipv4Addr) -> Option<u64> {
        let held = self.leases.get(&address)?;
        let address = u32::from(address);
        let in_a_pool = self.pools.iter().any(|p| {
            p.ranges
                .iter()
                .any(|(_, low, high)| (*low..=*high).contains(&address))
        });
        (!in_a_pool).then_some(held.holder)
    }

    /// The alarms raised or cleared since the last call, in the order they happened.
    pub fn take_alarms(&mut self) -> Vec<PoolAlarm> {
        std::mem::take(&mut self.alarms)
    }

    /// Measures the linked sets `touched` (indices of [`AddressPools::chains`]) against the
    /// marks, queueing what crossed one. Without an abated mark the alarm clears when use
    /// falls below the high mark again.
    fn check_alarms(&mut self, touched: impl IntoIterator<Item = usize>) {
        let Some(high) = self.marks.high else {
            return;
        };
        let abated = self.marks.abated.unwrap_or(high);
        // Percent of a set's addresses in use against a mark, without rounding.
        let beyond = |used: u64, size: u64, mark: u8| {
            (u128::from(used) * 100).cmp(&(u128::from(mark) * u128::from(size)))
        };
        let mut crossed: Vec<(usize, PoolAlarm)> = Vec::new();
        for chain in touched.into_iter().filter_map(|c| self.chains.get(c)) {
            let members = || chain.iter().filter_map(|i| self.pools.get(*i));
            let Some((head, first)) = chain.first().zip(members().next()) else {
                continue;
            };
            let used: u64 = members().map(|p| p.used).sum();
            let size: u64 = members().map(|p| p.size).sum();
            let raised = if !first.alarmed && size > 0 && beyond(used, size, high).is_gt() {
                true
            } else if first.alarmed && beyond(used, size, abated).is_lt() {
                false
            } else {
                continue;
            };
            let alarm = PoolAlarm {
                pool: first.name.clone(),
                linked: members().skip(1).map(|p| p.name.clone()).collect(),
                raised,
                used,
                size,
            };
            crossed.push((*head, alarm));
        }
        for (head, alarm) in crossed {
            if let Some(first) = self.pools.get_mut(head) {
                first.alarmed = alarm.raised;
            }
            self.alarms.push(alarm);
        }
    }

    /// The pools searched for a subscriber whose matching pool is `index`: it first, then
    /// its linked set from the set's first pool (Junos' default, contiguous search: "the
    /// matched pool, then the first pool in the chain, through to the last").
    fn search_order(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let chain = self.chain_of(index);
        std::iter::once(index).chain(chain.iter().copied().filter(move |i| *i != index))
    }

    /// `pool`: the named pool; `None`: the first pool (by name) with a free address (Junos
    /// picks a pool when no profile names one). `holder` is the subscriber's id.
    pub fn allocate(&mut self, pool: Option<&str>, holder: u64) -> Result<Lease, PoolError> {
        if self.pools.is_empty() {
            return Err(match pool {
                Some(name) => PoolError::NoSuchPool(name.to_string()),
                None => PoolError::NoPool,
            });
        }
        let found = match pool {
            Some(name) => {
                let matching = self
                    .pool_index(name)
                    .ok_or_else(|| PoolError::NoSuchPool(name.to_string()))?;
                match self.find_in_chain(matching) {
                    Some(found) => found,
                    None => {
                        let order: Vec<usize> = self.search_order(matching).collect();
                        return Err(self.none_to_give(&order));
                    }
                }
            }
            None => self
                .pools
                .iter()
                .enumerate()
                .filter(|(_, p)| p.can_give())
                .find_map(|(i, p)| p.next_free().map(|a| (i, a)))
                .ok_or_else(|| PoolError::Exhausted(self.names()))?,
        };
        let (index, address) = found;
        let Some(chosen) = self.pools.get_mut(index) else {
            return Err(PoolError::NoPool);
        };
        let lease = chosen.lease(address, Some(chosen.name.clone()));
        chosen.cursor = u32::from(address).wrapping_add(1);
        self.hold(&lease, holder, true);
        Ok(lease)
    }

    /// A free address for a subscriber whose matching pool is `matching`, and the pool it is
    /// in. Junos' contiguous search (the default): each pool of [`Self::search_order`] whole
    /// in turn. With `linked-pool-aggregation` (Junos' noncontiguous search): first the
    /// matching pool and the pools linked after it, each only from its next address to its
    /// last, and then every pool of the chain whole, from its first pool.
    fn find_in_chain(&self, matching: usize) -> Option<(usize, Ipv4Addr)> {
        let give = |i: usize, wrap: bool| {
            let pool = self.pools.get(i).filter(|p| p.can_give())?;
            pool.free_from_cursor(wrap).map(|address| (i, address))
        };
        if self.aggregation {
            let chain = self.chain_of(matching);
            let after = chain.iter().position(|i| *i == matching).unwrap_or(0);
            let onward = chain.get(after..).unwrap_or_default();
            if let Some(found) = onward.iter().find_map(|i| give(*i, false)) {
                return Some(found);
            }
            return chain.iter().find_map(|i| give(*i, true));
        }
        self.search_order(matching).find_map(|i| give(i, true))
    }

    fn chain_of(&self, index: usize) -> &[usize] {
        self.pools
            .get(index)
            .and_then(|p| self.chains.get(p.chain))
            .map_or(&[][..], Vec::as_slice)
    }

    /// A fixed address (`framed-ip-address`): taken from its pool if inside one. Outside
    /// every pool it is still held (so no pool hands it out should one grow to cover it);
    /// our address is then the gateway of the pool whose network contains it, else the first
    /// pool's: with no pool at all there is no address of ours to give, [`PoolError::NoPool`].
    pub fn allocate_fixed(&mut self, address: Ipv4Addr, holder: u64) -> Result<Lease, PoolError> {
        if self.leases.contains_key(&address) || self.pools.iter().any(|p| p.gateway == address) {
            return Err(PoolError::InUse(address));
        }
        let lease = if let Some(pool) = self.pools.iter().find(|p| p.contains(address)) {
            pool.lease(address, Some(pool.name.clone()))
        } else {
            let pool = self
                .pools
                .iter()
                .find(|p| p.network.contains(address))
                .or(self.pools.first())
                .ok_or(PoolError::NoPool)?;
            pool.lease(address, None)
        };
        self.hold(&lease, holder, false);
        Ok(lease)
    }

    /// The subscriber holding `address` left; whether it was held.
    pub fn release(&mut self, address: Ipv4Addr) -> bool {
        if self.leases.remove(&address).is_none() {
            return false;
        }
        self.mark_everywhere(address, false);
        true
    }

    /// Our IPCP address for a pool: the lowest host address of its network outside every
    /// range (the commit check refuses a pool without one).
    pub fn gateway(&self, pool: &str) -> Option<Ipv4Addr> {
        self.pool(pool).map(|p| p.gateway)
    }

    /// Every pool's (gateway, prefix length): the service interfaces' addresses, so that the
    /// kernel routes each pool's network to the TUN. Pools sharing a network (and so a
    /// gateway) give it once; in pool-name order.
    pub fn gateways(&self) -> Vec<(Ipv4Addr, u8)> {
        let mut gateways: Vec<(Ipv4Addr, u8)> = Vec::with_capacity(self.pools.len());
        for pool in &self.pools {
            let gateway = (pool.gateway, pool.network.len);
            if !gateways.contains(&gateway) {
                gateways.push(gateway);
            }
        }
        gateways
    }

    /// Addresses held, in pools or not.
    pub fn in_use(&self) -> usize {
        self.leases.len()
    }

    /// The subscriber holding `address`.
    pub fn holder(&self, address: Ipv4Addr) -> Option<u64> {
        self.leases.get(&address).map(|h| h.holder)
    }

    /// `show network-access address-assignment pool [NAME]`: a name that is not configured
    /// shows no pool.
    pub fn view(&self, name: Option<&str>) -> AddressPoolsReply {
        // One pass over the leases: those that left their pool, and those in no pool.
        let mut outside: HashMap<&str, u64> = HashMap::new();
        let mut outside_pools = 0;
        for (address, held) in &self.leases {
            if let Some(label) = &held.pool {
                if !self.pool(label).is_some_and(|p| p.contains(*address)) {
                    *outside.entry(&**label).or_default() += 1;
                }
            }
            if !self.pools.iter().any(|p| p.contains(*address)) {
                outside_pools += 1;
            }
        }
        let pools = self
            .pools
            .iter()
            .filter(|p| name.is_none_or(|n| *p.name == *n))
            .map(|p| AddressPoolUse {
                pool_name: p.name.to_string(),
                network: Ipv4Prefix {
                    address: p.network.network(),
                    len: p.network.len,
                }
                .to_string(),
                gateway: Some(p.gateway),
                primary_dns: p.primary_dns,
                secondary_dns: p.secondary_dns,
                addresses_total: p.size,
                addresses_in_use: p.used,
                addresses_free: p.free(),
                addresses_outside: outside.get(&*p.name).copied().unwrap_or(0),
                linked_pool: p.link.as_deref().map(str::to_string),
                hold_down: p.hold_down,
                ranges: p
                    .ranges
                    .iter()
                    .map(|(range, low, high)| AddressRangeUse {
                        range_name: range.clone(),
                        range_low: (*low).into(),
                        range_high: (*high).into(),
                        addresses_total: p.hosts_in_range(*low, *high),
                        addresses_in_use: p.held_in_range(*low, *high),
                    })
                    .collect(),
            })
            .collect();
        AddressPoolsReply {
            pools,
            addresses_outside_pools: if name.is_none() { outside_pools } else { 0 },
        }
    }

    fn pool_index(&self, name: &str) -> Option<usize> {
        self.pools.binary_search_by(|p| (*p.name).cmp(name)).ok()
    }

    fn pool(&self, name: &str) -> Option<&Pool> {
        self.pool_index(name).and_then(|i| self.pools.get(i))
    }

    /// Why no pool of a search gave an address: held down when the matching pool is and no
    /// linked pool had room; else exhausted (naming the linked pools searched too).
    fn none_to_give(&self, order: &[usize]) -> PoolError {
        let names: Vec<&str> = order
            .iter()
            .filter_map(|i| self.pools.get(*i))
            .map(|p| &*p.name)
            .collect();
        let matching = names.first().copied().unwrap_or_default().to_string();
        let held_down = order
            .first()
            .and_then(|i| self.pools.get(*i))
            .is_some_and(|p| p.hold_down);
        if held_down && order.len() == 1 {
            PoolError::HeldDown(matching)
        } else if names.len() > 1 {
            PoolError::Exhausted(format!(
                "{matching} (and linked pools {})",
                names.get(1..).unwrap_or_default().join(", ")
            ))
        } else {
            PoolError::Exhausted(matching)
        }
    }

    fn names(&self) -> String {
        let names: Vec<&str> = self.pools.iter().map(|p| &*p.name).collect();
        names.join(", ")
    }

    /// Records the lease and marks its address in every pool that contains it (pools may
    /// overlap one another: none may hand it out again).
    fn hold(&mut self, lease: &Lease, holder: u64, dynamic: bool) {
        self.leases.insert(
            lease.address,
            Held {
                holder,
                pool: lease.pool.clone(),
                dynamic,
            },
        );
        self.mark_everywhere(lease.address, true);
    }

    /// Marks `address` held or free in every pool that contains it, and measures the
    /// linked sets whose use changed.
    /// An address is mostly in one pool: its set is kept apart so that the common case
    /// allocates nothing.
    fn mark_everywhere(&mut self, address: Ipv4Addr, held: bool) {
        let mut first: Option<usize> = None;
        let mut more: Vec<usize> = Vec::new();
        for pool in &mut self.pools {
            if !pool.mark(address, held) {
                continue;
            }
            match first {
                None => first = Some(pool.chain),
                Some(chain) if chain == pool.chain || more.contains(&pool.chain) => {}
                Some(_) => more.push(pool.chain),
            }
        }
        if self.marks.high.is_some() {
            self.check_alarms(first.into_iter().chain(more));
        }
    }
}

/// The linked sets of `pools` (sorted by name), each from its first pool in link order,
/// and each pool's [`Pool::chain`] set to its set. Pools in a loop (the commit refuses one)
/// are each a set of their own.
fn chains_of(pools: &mut [Pool]) -> Vec<Vec<usize>> {
    let index_of =
        |pools: &[Pool], name: &str| pools.binary_search_by(|p| (*p.name).cmp(name)).ok();
    let links: Vec<Option<usize>> = pools
        .iter()
        .map(|p| p.link.as_deref().and_then(|name| index_of(pools, name)))
        .collect();
    let mut linked_from = vec![false; pools.len()];
    for target in links.iter().flatten() {
        if let Some(flag) = linked_from.get_mut(*target) {
            *flag = true;
        }
    }
    let mut placed = vec![false; pools.len()];
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let heads = (0..pools.len()).filter(|i| !linked_from.get(*i).copied().unwrap_or(true));
    for head in heads {
        let mut chain = Vec::new();
        let mut at = Some(head);
        while let Some(index) = at.filter(|i| placed.get(*i) == Some(&false)) {
            if let Some(flag) = placed.get_mut(index) {
                *flag = true;
            }
            chain.push(index);
            at = links.get(index).copied().flatten();
        }
        chains.push(chain);
    }
    for index in 0..pools.len() {
        if placed.get(index) == Some(&false) {
            chains.push(vec![index]);
        }
    }
    for (number, chain) in chains.iter().enumerate() {
        for index in chain {
            if let Some(pool) = pools.get_mut(*index) {
                pool.chain = number;
            }
        }
    }
    chains
}

/// `spans` (sorted, disjoint) less `holes` (sorted by low address; they may overlap).
fn without_holes(spans: &[(u32, u32)], holes: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(spans.len());
    for &(low, high) in spans {
        let mut start = u64::from(low);
        for &(hole_low, hole_high) in holes.iter().filter(|(l, h)| *l <= high && *h >= low) {
            if u64::from(hole_low) > start {
                out.push((start as u32, hole_low - 1));
            }
            start = start.max(u64::from(hole_high) + 1);
        }
        if start <= u64::from(high) {
            out.push((start as u32, high));
        }
    }
    out
}

#[cfg(test)]
#[path = "address_pool_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "address_pool_junos_tests.rs"]
mod junos_tests;

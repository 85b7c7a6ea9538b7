//! A split walk that hands its pages on in the order of login time the request asks for.
//! Its slices are walked at once, as in the unordered walk, and each slice's pages are
//! held until every slice before it is done. A slice behind the first reads only while
//! the pages held and on their way stay within twice the window, so memory stays flat
//! whatever the size of the result. When the window has room that no slice may use, the
//! slice just answered is cut in two, so that more of what comes next is read at once.

use super::{Sender, Slice, Tx, advance, cut, plan};
use crate::error::Error;
use crate::model::{ListPage, Order, SessionListRequest};
use crate::response::Response;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::VecDeque;

/// A slice in the walk's order, with the pages it has read ahead.
struct Lane<T> {
    id: u64,
    slice: Slice,
    held: VecDeque<Response<T>>,
    busy: bool,
    done: bool,
}

impl<T> Lane<T> {
    fn new(id: &mut u64, slice: Slice) -> Self {
        *id += 1;
        Lane {
            id: *id,
            slice,
            held: VecDeque::new(),
            busy: false,
            done: false,
        }
    }
}

/// Pages held or on their way for the lanes behind the first.
fn ahead<T>(lanes: &VecDeque<Lane<T>>) -> usize {
    lanes
        .iter()
        .skip(1)
        .map(|l| l.held.len() + usize::from(l.busy))
        .sum()
}

/// The lanes that may start a page now: the first whenever it is free (what it reads goes
/// straight on), the others nearest first while `budget` allows.
fn startable<T>(lanes: &VecDeque<Lane<T>>, budget: usize) -> Vec<usize> {
    let mut room = budget.saturating_sub(ahead(lanes));
    let mut out = Vec::new();
    for (i, l) in lanes.iter().enumerate() {
        if l.busy || l.done {
            continue;
        }
        if i > 0 {
            if room == 0 {
                break;
            }
            room -= 1;
        }
        out.push(i);
    }
    out
}

pub(super) async fn run<T: ListPage>(
    sender: &Sender,
    req: &SessionListRequest,
    order: Order,
    tx: &Tx<T>,
) -> Result<(), Error> {
    let pace = &sender.pace;
    let (mut planned, oldest, newest) = plan(sender, req).await?;
    let edge = match order {
        Order::Asc => newest,
        Order::Desc => {
            planned.reverse();
            oldest
        }
    };
    let budget = pace.config().max_window * 2;
    let most_lanes = pace.config().max_window * 4;
    let mut ids = 0;
    let mut lanes: VecDeque<Lane<T>> = planned
        .into_iter()
        .map(|s| Lane::new(&mut ids, s))
        .collect();
    let mut in_flight = FuturesUnordered::new();
    loop {
        // Hand on what the first lanes hold, up to the first one still reading.
        while let Some(first) = lanes.front_mut() {
            while let Some(page) = first.held.pop_front() {
                if tx.send(Ok(page)).await.is_err() {
                    return Ok(());
                }
            }
            if !first.done {
                break;
            }
            lanes.pop_front();
        }
        for i in startable(&lanes, budget) {
            if in_flight.len() >= pace.window() {
                break;
            }
            let lane = &mut lanes[i];
            lane.busy = true;
            let r = lane.slice.request(req, order);
            let (id, sender) = (lane.id, sender.clone());
            in_flight.push(async move { (id, sender.page::<T>(r).await) });
        }
        // Nothing in flight: every lane is done and handed on.
        let Some((id, got)) = in_flight.next().await else {
            return Ok(());
        };
        let mut got = got?;
        let Some(at) = lanes.iter().position(|l| l.id == id) else {
            continue;
        };
        let lane = &mut lanes[at];
        lane.busy = false;
        let tail = match advance(&mut lane.slice, &mut got) {
            Err(e) => {
                // Handed on only where it keeps the order: after the lanes before it.
                if at == 0 {
                    let _ = tx.send(Ok(got)).await;
                }
                return Err(e);
            }
            Ok(None) => {
                lane.done = true;
                lane.held.push_back(got);
                continue;
            }
            Ok(Some(tail)) => {
                lane.held.push_back(got);
                tail
            }
        };
        let idle = in_flight.len() + startable(&lanes, budget).len() < pace.window();
        let room = ahead(&lanes) + 2 <= budget && lanes.len() < most_lanes;
        let halves = (idle && room)
            .then(|| cut(&lanes[at].slice, order, tail, edge))
            .flatten();
        if let Some(halves) = halves {
            // What the lane read stays with it; the rest is read as two lanes.
            lanes[at].done = true;
            for (k, half) in halves.into_iter().enumerate() {
                lanes.insert(at + 1 + k, Lane::new(&mut ids, half));
            }
        }
    }
}

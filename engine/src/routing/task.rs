//! The router task (DESIGN §5): the single owner of live routing state. Everything else talks
//! to it through [`Router`], a cheap handle over a channel.
//!
//! One turn of its loop: take every command waiting (so a burst is one turn), fire due
//! deadlines, run a routing pass for each campaign that may assign, save everything the turn
//! changed in one store transaction, and only then answer the callers, publish the events,
//! send the messages and start the bots. Because one task decides, two arrivals can never take
//! the same slot, and a conversation is never assigned twice.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::actions::TransferTarget;
use super::agents::RoutingError;
use super::board::Board;
use super::bot_steps::BotStep;
use super::core::{RouterCore, RouterSettings};
use super::effects::{BotCall, BotStage, Effects, Outgoing};
use super::hub::Hub;
use super::lifecycle::Inbound;
use super::live::Presence;
use super::pass::route_pass;
use crate::plugins::Registry;
use crate::store::{MessageEventRow, Store, StoreError};

/// Runs bot plugins for the router (the real one builds the bot's context from the store).
#[async_trait::async_trait]
pub trait BotRunner: Send + Sync + 'static {
    /// Runs `call`; `Err` says why the bot failed.
    async fn run(&self, call: &BotCall) -> Result<Vec<BotStep>, String>;
}

/// Sends the router's messages (bots', out-of-hours, queue full) through the compliance gate.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + 'static {
    /// Sends `send`; `Err` says why the gate or the store refused it.
    async fn send(&self, send: &Outgoing) -> Result<(), String>;
}

/// Called with agents a supervisor logged out, to end their sessions.
pub type LogoutHook = Arc<dyn Fn(i64) + Send + Sync>;

/// What the router needs from the rest of the engine.
pub struct RouterDeps {
    pub store: Arc<dyn Store>,
    pub registry: Arc<Registry>,
    pub hub: Arc<Hub>,
    pub bots: Arc<dyn BotRunner>,
    pub sender: Arc<dyn Sender>,
    pub on_logout: LogoutHook,
    /// The clock (ms since the epoch): injected so tests can move time.
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    pub settings: RouterSettings,
}

/// An agent's or supervisor's request to the router.
#[derive(Debug, Clone)]
pub enum Action {
    SetPresence {
        agent: i64,
        presence: Presence,
    },
    Pause {
        agent: i64,
        paused: bool,
    },
    LogOut {
        agent: i64,
    },
    Accept {
        conversation: i64,
        agent: i64,
    },
    Reject {
        conversation: i64,
        agent: i64,
    },
    Transfer {
        conversation: i64,
        agent: i64,
        target: TransferTarget,
    },
    AcceptTransfer {
        conversation: i64,
        agent: i64,
    },
    DeclineTransfer {
        conversation: i64,
        agent: i64,
    },
    Close {
        conversation: i64,
        agent: i64,
        disposition: Option<String>,
    },
    CloseAny {
        conversation: i64,
        disposition: Option<String>,
    },
    /// The agent's reply was queued (counts for the service level).
    Replied {
        conversation: i64,
    },
    /// An agent started an outbound conversation.
    Claim {
        conversation: i64,
        agent: i64,
        campaign: Option<i64>,
    },
    /// Checks that the agent holds the conversation (before a reply goes out).
    CheckHolder {
        conversation: i64,
        agent: i64,
    },
}

type Reply = oneshot::Sender<Result<(), RoutingError>>;

enum Command {
    Inbound(Vec<Inbound>),
    MessageEvents(Vec<MessageEventRow>),
    Connect(i64),
    Disconnect(i64),
    Act(Action, Reply),
    ReloadCampaigns(oneshot::Sender<()>),
    ReloadUsers(oneshot::Sender<()>),
    BotDone {
        conversation: i64,
        stage: BotStage,
        outcome: Result<Vec<BotStep>, String>,
    },
    Board(Box<dyn Fn(i64) -> bool + Send>, oneshot::Sender<Board>),
    Memberships(i64, oneshot::Sender<Vec<i64>>),
    Inspect(Box<dyn FnOnce(&RouterCore) + Send>),
}

/// The handle to the router task. Cheap to clone.
#[derive(Clone)]
pub struct Router {
    tx: mpsc::UnboundedSender<Command>,
    hub: Arc<Hub>,
}

/// The router task is gone (the engine is stopping).
fn stopped() -> RoutingError {
    RoutingError::Conflict("the router is stopping".into())
}

impl Router {
    /// Builds the state from the store and starts the task.
    pub async fn start(deps: RouterDeps) -> Result<Self, StoreError> {
        let now = (deps.clock)();
        let mut core = RouterCore::new(deps.settings);
        rebuild(&mut core, deps.store.as_ref(), now).await?;
        core.recover_interrupted_bots(now);
        let pending_new: Vec<i64> = core
            .conversations
            .values()
            .filter(|c| c.row.state == super::live::state::NEW)
            .map(|c| c.row.id)
            .collect();
        for id in pending_new {
            core.arrive(id, 0, now);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let router = Self {
            tx: tx.clone(),
            hub: deps.hub.clone(),
        };
        let task = Task {
            core,
            deps,
            rx,
            tx,
            replies: Vec::new(),
            reads: Vec::new(),
            figures_due: BTreeSet::new(),
        };
        tokio::spawn(task.run());
        Ok(router)
    }

    /// The live event hub.
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Inbound messages intake stored (new ones only).
    pub fn inbound(&self, messages: Vec<Inbound>) {
        if !messages.is_empty() {
            let _ = self.tx.send(Command::Inbound(messages));
        }
    }

    /// Message events the feed read from the log (`message::feed`). False once the router
    /// task is gone.
    pub fn message_events(&self, events: Vec<MessageEventRow>) -> bool {
        events.is_empty() || self.tx.send(Command::MessageEvents(events)).is_ok()
    }

    /// A user's WebSocket opened.
    pub fn connect(&self, user: i64) {
        let _ = self.tx.send(Command::Connect(user));
    }

    /// A user's WebSocket closed.
    pub fn disconnect(&self, user: i64) {
        let _ = self.tx.send(Command::Disconnect(user));
    }

    /// Carries out an action; answers once its effects are stored.
    pub async fn act(&self, action: Action) -> Result<(), RoutingError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Act(action, reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Campaigns changed in the store.
    pub async fn reload_campaigns(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::ReloadCampaigns(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Users changed in the store.
    pub async fn reload_users(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::ReloadUsers(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// The live board, limited to the campaigns `visible` allows.
    pub async fn board(
        &self,
        visible: impl Fn(i64) -> bool + Send + 'static,
    ) -> Result<Board, RoutingError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Board(Box::new(visible), reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }

    /// The campaigns a user is a member of.
    pub async fn memberships(&self, user: i64) -> Vec<i64> {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Command::Memberships(user, reply)).is_err() {
            return Vec::new();
        }
        answer.await.unwrap_or_default()
    }

    /// Runs `look` on the state between turns and returns what it found (tests, snapshots).
    pub async fn inspect<T: Send + 'static>(
        &self,
        look: impl FnOnce(&RouterCore) -> T + Send + 'static,
    ) -> Result<T, RoutingError> {
        let (reply, answer) = oneshot::channel();
        let command = Command::Inspect(Box::new(move |core| {
            let _ = reply.send(look(core));
        }));
        self.tx.send(command).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }
}

async fn rebuild(core: &mut RouterCore, store: &dyn Store, now: i64) -> Result<(), StoreError> {
    let users = store.routing_users().await?;
    let states = store.agent_states().await?;
    let campaigns = store.campaigns().await?;
    let numbers = store.number_campaigns().await?;
    let conversations = store.live_conversations().await?;
    core.rebuild(users, states, campaigns, numbers, conversations, now);
    Ok(())
}

/// Most commands taken in one turn: bounds how long callers wait for the save.
const TURN_COMMANDS: usize = 1024;

/// How often queue figures are pushed at most.
const FIGURES_EVERY: Duration = Duration::from_millis(250);

struct Task {
    core: RouterCore,
    deps: RouterDeps,
    rx: mpsc::UnboundedReceiver<Command>,
    tx: mpsc::UnboundedSender<Command>,
    replies: Vec<(Reply, Result<(), RoutingError>)>,
    /// Reads asked for during a turn, answered once it is over, so no one sees a half-done
    /// turn (conversations queued but not yet routed).
    reads: Vec<Command>,
    figures_due: BTreeSet<i64>,
}

impl Task {
    async fn run(mut self) {
        let mut figures = tokio::time::interval(FIGURES_EVERY);
        figures.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let now = (self.deps.clock)();
            let sleep = self
                .core
                .next_deadline()
                .map(|due| Duration::from_millis(u64::try_from(due - now).unwrap_or(0).min(60_000)))
                .unwrap_or(Duration::from_secs(60));
            tokio::select! {
                command = self.rx.recv() => {
                    let Some(command) = command else { return };
                    self.handle(command).await;
                    for _ in 1..TURN_COMMANDS {
                        match self.rx.try_recv() {
                            Ok(command) => self.handle(command).await,
                            Err(_) => break,
                        }
                    }
                }
                _ = tokio::time::sleep(sleep) => {}
                _ = figures.tick() => {
                    self.push_figures();
                    continue;
                }
            }
            self.turn().await;
        }
    }

    async fn handle(&mut self, command: Command) {
        let now = (self.deps.clock)();
        match command {
            Command::Inbound(messages) => {
                for m in messages {
                    if !self.core.holds(m.conversation) {
                        match self.deps.store.live_conversation(m.conversation).await {
                            Ok(Some(row)) if row.open => self.core.adopt(row),
                            Ok(_) => continue,
                            Err(error) => {
                                // Stored and acknowledged: routed at the next start.
                                tracing::error!(conversation = m.conversation, %error, "cannot load a conversation to route");
                                continue;
                            }
                        }
                    }
                    self.core.inbound(m, now);
                }
            }
            Command::MessageEvents(events) => {
                for event in &events {
                    self.core.message_updated(event, now);
                }
            }
            Command::Connect(user) => self.core.connect(user, now),
            Command::Disconnect(user) => self.core.disconnect(user, now),
            Command::Act(action, reply) => {
                let result = self.act(action, now).await;
                self.replies.push((reply, result));
            }
            Command::ReloadCampaigns(done) => {
                let loaded = async {
                    Ok::<_, StoreError>((
                        self.deps.store.campaigns().await?,
                        self.deps.store.number_campaigns().await?,
                    ))
                }
                .await;
                match loaded {
                    Ok((campaigns, numbers)) => {
                        self.core.load_campaigns(campaigns, numbers);
                        let all: Vec<i64> = self.core.campaigns.keys().copied().collect();
                        self.core.request_routing(all);
                    }
                    Err(error) => tracing::error!(%error, "cannot reload campaigns"),
                }
                let _ = done.send(());
            }
            Command::ReloadUsers(done) => {
                match self.deps.store.routing_users().await {
                    Ok(users) => {
                        self.core.load_users(users, now);
                        self.core.recount();
                        let all: Vec<i64> = self.core.campaigns.keys().copied().collect();
                        self.core.request_routing(all);
                    }
                    Err(error) => tracing::error!(%error, "cannot reload users"),
                }
                let _ = done.send(());
            }
            Command::BotDone {
                conversation,
                stage,
                outcome,
            } => self.core.bot_done(conversation, stage, outcome, now),
            read @ (Command::Board(..) | Command::Memberships(..) | Command::Inspect(_)) => {
                self.reads.push(read);
            }
        }
    }

    /// Answers the reads asked for during the turn.
    fn answer_reads(&mut self) {
        let now = (self.deps.clock)();
        for read in std::mem::take(&mut self.reads) {
            match read {
                Command::Board(visible, reply) => {
                    let _ = reply.send(self.core.board(now, &*visible));
                }
                Command::Memberships(user, reply) => {
                    let _ = reply.send(self.core.memberships(user));
                }
                Command::Inspect(look) => look(&self.core),
                _ => {}
            }
        }
    }

    async fn act(&mut self, action: Action, now: i64) -> Result<(), RoutingError> {
        let core = &mut self.core;
        // A conversation the router does not hold yet (idle, opened by a send) is loaded first.
        if let Action::Claim { conversation, .. } = &action
            && !core.holds(*conversation)
        {
            match self.deps.store.live_conversation(*conversation).await {
                Ok(Some(row)) if row.open => core.adopt(row),
                Ok(_) => {
                    return Err(RoutingError::NotFound(format!(
                        "conversation {conversation} is not open"
                    )));
                }
                Err(error) => return Err(RoutingError::Conflict(error.to_string())),
            }
        }
        match action {
            Action::SetPresence { agent, presence } => core.set_presence(agent, presence, now),
            Action::Pause { agent, paused } => core.set_paused(agent, paused, now),
            Action::LogOut { agent } => core.log_out(agent, now),
            Action::Accept {
                conversation,
                agent,
            } => core.accept(conversation, agent, now),
            Action::Reject {
                conversation,
                agent,
            } => core.reject(conversation, agent, now),
            Action::Transfer {
                conversation,
                agent,
                target,
            } => core.transfer(conversation, agent, target, now),
            Action::AcceptTransfer {
                conversation,
                agent,
            } => core.accept_transfer(conversation, agent, now),
            Action::DeclineTransfer {
                conversation,
                agent,
            } => core.decline_transfer(conversation, agent, now),
            Action::Close {
                conversation,
                agent,
                disposition,
            } => core.close_by_agent(conversation, agent, disposition, now),
            Action::CloseAny {
                conversation,
                disposition,
            } => core.close_any(conversation, disposition, now),
            Action::Replied { conversation } => {
                core.agent_replied(conversation, now);
                Ok(())
            }
            Action::Claim {
                conversation,
                agent,
                campaign,
            } => core.claim(conversation, agent, campaign, now),
            Action::CheckHolder {
                conversation,
                agent,
            } => core.check_holder(conversation, agent),
        }
    }

    /// Deadlines, routing passes, then save and carry out.
    async fn turn(&mut self) {
        let now = (self.deps.clock)();
        self.core.fire_due(now);
        self.route(now).await;
        let (effects, write) = self.core.take(now);
        // Copies of what is stored already (a customer's message) go out now: they must not
        // wait for this turn's own commit, which only they would be waiting on.
        for event in effects.events.iter().filter(|e| e.transient) {
            self.deps.hub.publish(event);
        }
        if !write.is_empty()
            && let Err(error) = self.deps.store.save_routing(write).await
        {
            // Nothing of this turn happened: rebuild from what is stored and tell the callers.
            tracing::error!(%error, "saving a routing step failed; the router reloads from the store");
            for (reply, _) in self.replies.drain(..) {
                let _ = reply.send(Err(RoutingError::Conflict(format!("not saved: {error}"))));
            }
            if let Err(error) = rebuild(&mut self.core, self.deps.store.as_ref(), now).await {
                tracing::error!(%error, "reloading the router failed");
            }
            self.answer_reads();
            return;
        }
        for (reply, result) in self.replies.drain(..) {
            let _ = reply.send(result);
        }
        self.carry_out(effects);
        self.answer_reads();
    }

    /// Runs passes for the campaigns that may assign, until none asks again (an offer expiring
    /// during the turn, an agent freed by a pass in another campaign). Bounded, so a plugin that
    /// keeps answering nothing cannot spin.
    async fn route(&mut self, now: i64) {
        for _ in 0..4 {
            let campaigns = std::mem::take(&mut self.core.fx_route());
            if campaigns.is_empty() {
                return;
            }
            for campaign in campaigns {
                let seed = now as u64 ^ (campaign as u64).rotate_left(32);
                let Some(input) = self.core.route_input(campaign, now, seed) else {
                    continue;
                };
                let Some(strategy) = self
                    .core
                    .campaigns
                    .get(&campaign)
                    .map(|k| k.settings.strategy.clone())
                else {
                    continue;
                };
                let outcome = route_pass(
                    &self.deps.registry,
                    &strategy.plugin,
                    &strategy.config_text(),
                    &input,
                )
                .await;
                self.core.apply(campaign, &outcome.assignments, now);
            }
        }
    }

    fn carry_out(&mut self, effects: Effects) {
        for event in effects.events.iter().filter(|e| !e.transient) {
            self.deps.hub.publish(event);
            // The board shows every agent's state: its supervisors get it too.
            if event.kind == "agent.state"
                && let Some(agent) = event.audience.agent
            {
                let campaigns = self.core.memberships(agent);
                self.deps
                    .hub
                    .agent_to_supervisors(agent, event.kind, &event.data, &campaigns);
            }
        }
        self.figures_due
            .extend(effects.queues_changed.iter().copied());
        for agent in &effects.logouts {
            (self.deps.on_logout)(*agent);
            self.deps.hub.disconnect_user(*agent);
        }
        for send in effects.sends {
            let sender = self.deps.sender.clone();
            tokio::spawn(async move {
                if let Err(error) = sender.send(&send).await {
                    tracing::warn!(conversation = send.conversation, origin = send.origin, %error, "the router's message was not sent");
                }
            });
        }
        for call in effects.bots {
            let bots = self.deps.bots.clone();
            let tx = self.tx.clone();
            tokio::spawn(async move {
                let outcome = bots.run(&call).await;
                let _ = tx.send(Command::BotDone {
                    conversation: call.conversation,
                    stage: call.stage,
                    outcome,
                });
            });
        }
    }

    /// Coalesced queue figures: at most one push per campaign per tick.
    fn push_figures(&mut self) {
        if self.figures_due.is_empty() {
            return;
        }
        let now = (self.deps.clock)();
        for campaign in std::mem::take(&mut self.figures_due) {
            if let Some(data) = self.core.queue_figures(campaign, now) {
                self.deps.hub.campaign_figures(campaign, &data);
            }
        }
    }
}

//! The studio's AWS windows: the Deploy dialog (the Config's values, where to connect, progress
//! steps and AWS's findings as they come, the state machine's ARN at the end) and the
//! Executions panel (the deployed machine's executions: list, start with an input, stop,
//! redrive, and open one as a replay in the Run mode). Every call to AWS runs on a thread of
//! its own, reporting over a channel that each frame drains: the frame never waits on the
//! network.

use super::action::{Action, Actions};
use super::commands::UiCommand;
use super::run_mode::RunAction;
use super::session::Session;
use crate::deploy::{Event, Failure, Plan, Stage};
use egui::{RichText, Ui};
use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use stepcraft::embedded::{MachineSettings, Setting, Template};
use stepcraft::history::HistoryEvent;
use stepcraft_aws::{AwsError, ClientConfig, Deployed, ExecutionSummary, Sfn};

/// Where to connect: empty fields come from the standard chain (environment, profiles, SSO).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    /// Another endpoint (a local emulator); empty: AWS_ENDPOINT_URL, else AWS.
    pub endpoint: String,
    /// The region; empty: AWS_REGION, else the profile's.
    pub region: String,
    /// A named profile; empty: AWS_PROFILE, else the default chain.
    pub profile: String,
}

impl Connection {
    /// The client set-up these fields ask for.
    pub fn client_config(&self) -> ClientConfig {
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        ClientConfig {
            profile: given(&self.profile),
            region: given(&self.region),
            endpoint_url: given(&self.endpoint),
        }
    }
}

/// One line of the Deploy dialog's progress.
#[derive(Clone, Debug, PartialEq)]
pub enum DeployLine {
    /// A step started (done once the next one starts).
    Step(Stage),
    /// One of our validator's findings (warnings: errors stop before AWS).
    Ours(String),
    /// One of AWS's findings.
    Aws {
        /// An error (else a warning).
        error: bool,
        /// Code, message and where.
        text: String,
    },
    /// A note.
    Note(String),
}

/// " (line:column of the template)", when known.
fn at(location: Option<stepcraft::Location>) -> String {
    location
        .map(|l| format!(" (at {l} in the template)"))
        .unwrap_or_default()
}

/// A note for a template setting written with a function (`instead` says what is used), or
/// the refusal of one written as a literal it cannot take.
fn unread<T>(setting: &Setting<T>, instead: &str, notes: &mut Vec<String>) -> Result<(), String> {
    match setting {
        Setting::Function {
            property,
            location,
            function,
        } => {
            notes.push(format!(
                "The template's {property}{} is written with {function}, which only CloudFormation resolves; {instead}",
                at(*location)
            ));
            Ok(())
        }
        Setting::Invalid {
            property,
            location,
            expected,
        } => Err(format!(
            "The template's {property}{} is not {expected}: fix the template",
            at(*location)
        )),
        Setting::Absent | Setting::Literal(_) => Ok(()),
    }
}

/// A job's messages: a deploy's events, then its end.
enum DeployMsg {
    Event(Event),
    End(Result<Deployed, Failure>),
}

/// What an executions job brings back.
enum ExecMsg {
    /// The machine's ARN and its executions (newest first).
    Listed(String, Vec<ExecutionSummary>),
    /// A note to show (started, stopped, redriven), then a list follows.
    Note(String),
    /// An execution's history, to replay.
    History(String, Vec<HistoryEvent>),
    /// An AWS error, with what to do.
    Failed(String),
}

/// An AWS error's hint as the studio says it: the command line's flags are the dialog's fields
/// and the Config's values here.
fn for_studio(message: &str) -> String {
    message
        .replace("pass --region REGION", "fill in Region")
        .replace("--region", "Region")
        .replace("--endpoint-url", "Endpoint")
        .replace("--profile", "Profile")
        .replace(
            "pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set STEPCRAFT_ROLE_ARN)",
            "give the execution role ARN in the Config mode",
        )
        .replace("--name", "the Config's name")
}

/// What a row's button asks of an execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExecChoice {
    Replay,
    Stop,
    Redrive,
}

/// The Deploy dialog and the Executions panel.
#[derive(Default)]
pub struct AwsUi {
    /// Where to connect.
    pub connection: Connection,
    deploy_open: bool,
    deploy_job: Option<Receiver<DeployMsg>>,
    lines: Vec<DeployLine>,
    outcome: Option<Result<Deployed, Failure>>,
    executions_open: bool,
    exec_job: Option<Receiver<ExecMsg>>,
    /// The deployed machine's ARN, once known.
    machine_arn: Option<String>,
    executions: Vec<ExecutionSummary>,
    exec_input: String,
    exec_note: Option<Result<String, String>>,
    /// The execution opened as a replay.
    replayed: Option<String>,
    /// List the executions at the next frame (the panel was opened).
    refresh_due: bool,
    /// The deploy settings of the template's state machine, read once per template text:
    /// the text, the logical ID, and the settings (or why they cannot be read).
    template_settings: Option<(String, String, Result<MachineSettings, String>)>,
}

impl std::fmt::Debug for AwsUi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsUi")
            .field("connection", &self.connection)
            .field("lines", &self.lines)
            .field("machine_arn", &self.machine_arn)
            .finish_non_exhaustive()
    }
}

impl AwsUi {
    /// Opens the Deploy dialog.
    pub fn open_deploy(&mut self) {
        self.deploy_open = true;
    }

    /// Opens the Executions panel (listing the machine's executions when it is known).
    pub fn open_executions(&mut self) {
        self.executions_open = true;
        self.refresh_due = true;
        if self.exec_input.is_empty() {
            "{}".clone_into(&mut self.exec_input);
        }
    }

    /// Whether a deploy or an executions call is under way.
    pub fn is_busy(&self) -> bool {
        self.deploy_job.is_some() || self.exec_job.is_some()
    }

    /// The progress lines of the last deploy.
    pub fn deploy_lines(&self) -> &[DeployLine] {
        &self.lines
    }

    /// How the last deploy ended, once it has.
    pub fn deploy_outcome(&self) -> Option<&Result<Deployed, Failure>> {
        self.outcome.as_ref()
    }

    /// The deployed machine's ARN, once known.
    pub fn machine_arn(&self) -> Option<&str> {
        self.machine_arn.as_deref()
    }

    /// The executions last listed.
    pub fn executions(&self) -> &[ExecutionSummary] {
        &self.executions
    }

    /// The last executions call's note or error.
    pub fn executions_note(&self) -> Option<&Result<String, String>> {
        self.exec_note.as_ref()
    }

    /// The execution last opened as a replay.
    pub fn replayed(&self) -> Option<&str> {
        self.replayed.as_deref()
    }

    /// The Executions panel's input for a new execution.
    pub fn set_execution_input(&mut self, input: &str) {
        input.clone_into(&mut self.exec_input);
    }

    /// Starts a deploy of the session's definition on a thread of its own: our checks here
    /// (they are quick), then AWS's calls there.
    pub fn start_deploy(&mut self, session: &Session) {
        if self.deploy_job.is_some() {
            return;
        }
        self.lines.clear();
        self.outcome = None;
        let name = Path::new(session.name());
        let config = session.parameters().config();
        let plan = match self.plan(session) {
            Ok((plan, notes)) => {
                self.lines.extend(notes.into_iter().map(DeployLine::Note));
                plan
            }
            Err(message) => {
                self.outcome = Some(Err(Failure {
                    refused: true,
                    message,
                }));
                return;
            }
        };
        if let Some(p) = config.problems().first() {
            self.outcome = Some(Err(Failure {
                refused: true,
                message: format!(
                    "The Config has a problem: {} (fix it in the Config mode)",
                    p.message
                ),
            }));
            return;
        }
        let (diagnostics, text) = crate::deploy::definition_text(
            name,
            session.document(),
            session.parameters().effective(),
            plan.workflow_type(),
        );
        for d in diagnostics
            .iter()
            .filter(|d| d.severity == stepcraft::Severity::Warning)
        {
            self.lines.push(DeployLine::Ours(d.message.clone()));
        }
        let definition = match text {
            Ok(t) => t,
            Err(f) => {
                self.outcome = Some(Err(Failure {
                    refused: true,
                    message: format!(
                        "{} (the problems list has them; fix them in the Design or Code mode)",
                        f.message
                    ),
                }));
                return;
            }
        };
        let client = self.connection.client_config();
        let (tx, rx) = channel();
        self.deploy_job = Some(rx);
        std::thread::spawn(move || {
            let events = tx.clone();
            let end = crate::deploy::send(&client, &plan, &definition, &mut |e| {
                let _ = events.send(DeployMsg::Event(e));
            });
            let _ = tx.send(DeployMsg::End(end));
        });
    }

    /// Takes what the background jobs reported since the last frame.
    pub fn poll(&mut self, ctx: &egui::Context, actions: &mut Actions) {
        if let Some(rx) = &self.deploy_job {
            loop {
                match rx.try_recv() {
                    Ok(DeployMsg::Event(e)) => self.lines.push(match e {
                        Event::Started(stage) => DeployLine::Step(stage),
                        Event::Aws(d) => DeployLine::Aws {
                            error: d.is_error,
                            text: format!(
                                "{}: {}{}",
                                d.code,
                                d.message,
                                d.location.map(|l| format!(" (at {l})")).unwrap_or_default()
                            ),
                        },
                        Event::NotValidated => DeployLine::Note(
                            "The endpoint does not implement ValidateStateMachineDefinition: deployed with our checks only.".to_owned(),
                        ),
                        Event::Done(d) => DeployLine::Note(format!(
                            "{} the state machine",
                            if d.created { "Created" } else { "Updated" }
                        )),
                    }),
                    Ok(DeployMsg::End(end)) => {
                        if let Ok(d) = &end {
                            self.machine_arn = Some(d.arn.clone());
                        }
                        self.outcome = Some(end.map_err(|f| Failure {
                            message: for_studio(&f.message),
                            ..f
                        }));
                        self.deploy_job = None;
                        break;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        self.deploy_job = None;
                        break;
                    }
                }
            }
        }
        if let Some(rx) = &self.exec_job {
            match rx.try_recv() {
                Ok(ExecMsg::Listed(arn, list)) => {
                    self.machine_arn = Some(arn);
                    self.executions = list;
                    self.exec_job = None;
                }
                Ok(ExecMsg::Note(n)) => self.exec_note = Some(Ok(n)),
                Ok(ExecMsg::History(arn, events)) => {
                    let name = arn.rsplit(':').next().unwrap_or(&arn).to_owned();
                    actions.push(Action::Run(RunAction::ReplayEvents(name, events)));
                    actions.push(Action::Command(UiCommand::RunMode));
                    self.exec_note = Some(Ok(format!("Replaying {arn} in the Run mode")));
                    self.replayed = Some(arn);
                    self.exec_job = None;
                }
                Ok(ExecMsg::Failed(e)) => {
                    self.exec_note = Some(Err(for_studio(&e)));
                    self.exec_job = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.exec_job = None,
            }
        }
        if self.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// Runs `job` on a thread with a client, then lists the machine's executions.
    fn exec_call(
        &mut self,
        machine_name: String,
        job: impl FnOnce(&Sfn, &str) -> Result<Option<ExecMsg>, AwsError> + Send + 'static,
    ) {
        if self.exec_job.is_some() {
            return;
        }
        let client = self.connection.client_config();
        let known = self.machine_arn.clone();
        let (tx, rx) = channel();
        self.exec_job = Some(rx);
        std::thread::spawn(move || {
            let result = (|| {
                let sfn = Sfn::connect(&client)?;
                let arn = match known {
                    Some(a) => a,
                    None => match sfn.find_state_machine(&machine_name)? {
                        Some(m) => m.arn,
                        None => {
                            return Err(AwsError::setup(
                                format!("no state machine is named {machine_name} here"),
                                "deploy it first (AWS > Deploy to AWS…), or check the region and endpoint",
                            ));
                        }
                    },
                };
                if let Some(msg) = job(&sfn, &arn)? {
                    let replay = matches!(msg, ExecMsg::History(..));
                    let _ = tx.send(msg);
                    if replay {
                        return Ok(None);
                    }
                }
                let mut list = sfn.list_executions(&arn, None)?;
                list.sort_by(|a, b| b.start.cmp(&a.start));
                Ok(Some(ExecMsg::Listed(arn, list)))
            })();
            let msg = match result {
                Ok(Some(m)) => m,
                Ok(None) => return,
                Err(e) => ExecMsg::Failed(format!("{e}")),
            };
            let _ = tx.send(msg);
        });
    }

    /// Lists the machine's executions.
    pub fn refresh(&mut self, machine_name: String) {
        self.exec_call(machine_name, |_, _| Ok(None));
    }

    /// Starts an execution with the input typed.
    pub fn start_execution(&mut self, machine_name: String) {
        let input = self.exec_input.clone();
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&input) {
            self.exec_note = Some(Err(format!(
                "The input is not JSON ({e}): write an object such as {{\"key\": \"value\"}}"
            )));
            return;
        }
        // A name of our own: the time it was started, so the list reads in order (AWS would
        // make up a UUID; moto names it "None").
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let name = format!("stepcraft-{millis}");
        self.exec_call(machine_name, move |sfn, arn| {
            let started = sfn.start_execution(arn, &input, Some(&name))?;
            Ok(Some(ExecMsg::Note(format!("Started {started}"))))
        });
    }

    /// Stops an execution.
    pub fn stop(&mut self, machine_name: String, execution: String) {
        self.exec_call(machine_name, move |sfn, _| {
            sfn.stop_execution(&execution, None, None)?;
            Ok(Some(ExecMsg::Note(format!("Stopped {execution}"))))
        });
    }

    /// Redrives an execution.
    pub fn redrive(&mut self, machine_name: String, execution: String) {
        self.exec_call(machine_name, move |sfn, _| {
            sfn.redrive_execution(&execution)?;
            Ok(Some(ExecMsg::Note(format!("Redrove {execution}"))))
        });
    }

    /// Fetches an execution's history and opens it as a replay in the Run mode.
    pub fn open_replay(&mut self, machine_name: String, execution: String) {
        self.exec_call(machine_name, move |sfn, _| {
            let history = sfn.execution_history(&execution)?;
            match stepcraft::replay::read_history(&history) {
                Ok(events) => Ok(Some(ExecMsg::History(execution, events))),
                Err(e) => Err(AwsError::setup(
                    format!("the history of {execution} cannot be read: {e}"),
                    "",
                )),
            }
        });
    }

    /// The settings of the template's state machine the session edits, if it edits one.
    fn template_settings(&mut self, session: &Session) -> Option<&Result<MachineSettings, String>> {
        let t = session.template()?;
        let fresh = self
            .template_settings
            .as_ref()
            .is_some_and(|(text, id, _)| *text == t.text && *id == t.id);
        if !fresh {
            let settings = Template::parse(&t.text, stepcraft::Format::sniff(&t.text))
                .map_err(|d| d.message)
                .and_then(|template| template.settings(&t.id).map_err(|e| e.to_string()));
            self.template_settings = Some((t.text.clone(), t.id.clone(), settings));
        }
        self.template_settings.as_ref().map(|(_, _, s)| s)
    }

    /// The plan the Config makes, under the literal settings of the template's state machine
    /// when the session edits one (its logical ID the default name), and a note for each
    /// setting the template writes with a function. `Err` when the template's role is written
    /// with one and the Config gives none, or a setting cannot be read.
    fn plan(&mut self, session: &Session) -> Result<(Plan, Vec<String>), String> {
        let config = session.parameters().config();
        let default = session.default_machine_name();
        let mut plan = Plan::from_config(config, &default);
        let Some(settings) = self.template_settings(session) else {
            return Ok((plan, Vec::new()));
        };
        let settings = settings
            .as_ref()
            .map_err(|e| format!("The template cannot be read: {e}"))?;
        let mut notes: Vec<String> = plan
            .take_literals(settings, config)
            .into_iter()
            .map(|field| format!("The template's {field} is used; the one in the Config is not"))
            .collect();
        let deploying = format!(
            "deploying as {} (the Config's name, else the logical ID)",
            plan.name
        );
        unread(&settings.name, &deploying, &mut notes)?;
        let type_note = format!(
            "deploying as {} (the Config's type)",
            plan.workflow_type().as_str()
        );
        unread(&settings.workflow_type, &type_note, &mut notes)?;
        unread(&settings.tags, "the tags are the Config's", &mut notes)?;
        unread(&settings.role_arn, "the role is the Config's", &mut notes)?;
        if let Some((property, location, function)) = plan.unresolved_role(settings) {
            return Err(format!(
                "The template's {property}{} is written with {function}, which only CloudFormation resolves, so the role to deploy with is not known here: set the role in the Config mode",
                at(location)
            ));
        }
        Ok((plan, notes))
    }

    /// Draws the windows that are open.
    pub fn ui(&mut self, ui: &mut Ui, session: &Session, actions: &mut Actions) {
        self.poll(ui.ctx(), actions);
        let default = session.default_machine_name();
        let machine = match self.plan(session) {
            Ok((plan, _)) => plan.name,
            Err(_) => session.parameters().config().name_or(&default).to_owned(),
        };
        // Renamed in the Config: the machine known so far is another one.
        if self
            .machine_arn
            .as_ref()
            .is_some_and(|arn| !arn.ends_with(&format!(":{machine}")))
        {
            self.machine_arn = None;
            self.executions.clear();
        }
        if self.refresh_due && self.executions_open && self.exec_job.is_none() {
            self.refresh_due = false;
            self.refresh(machine.clone());
        }
        let screen = ui.ctx().content_rect();
        if self.deploy_open {
            let mut open = true;
            egui::Window::new("Deploy to AWS")
                .open(&mut open)
                .default_pos(screen.center_top() + egui::vec2(-280.0, 60.0))
                .default_width(560.0)
                .show(ui.ctx(), |ui| self.deploy_ui(ui, session, &machine));
            self.deploy_open = open;
        }
        if self.executions_open {
            let mut open = true;
            egui::Window::new("Executions on AWS")
                .open(&mut open)
                .default_pos(screen.right_top() + egui::vec2(-760.0, 60.0))
                .default_width(640.0)
                .show(ui.ctx(), |ui| self.executions_ui(ui, &machine));
            self.executions_open = open;
        }
    }

    fn connection_ui(&mut self, ui: &mut Ui) {
        egui::Grid::new("aws-connection")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, text, hint) in [
                    (
                        "Endpoint",
                        &mut self.connection.endpoint,
                        "AWS (or AWS_ENDPOINT_URL)",
                    ),
                    (
                        "Region",
                        &mut self.connection.region,
                        "AWS_REGION, else the profile's",
                    ),
                    (
                        "Profile",
                        &mut self.connection.profile,
                        "AWS_PROFILE, else the default chain",
                    ),
                ] {
                    ui.label(label);
                    ui.add(
                        egui::TextEdit::singleline(text)
                            .hint_text(hint)
                            .desired_width(360.0)
                            .id_salt(("aws", label)),
                    )
                    .accessible_name(label);
                    ui.end_row();
                }
            });
    }

    fn deploy_ui(&mut self, ui: &mut Ui, session: &Session, machine: &str) {
        let config = session.parameters().config();
        egui::Grid::new("deploy-summary")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("State machine");
                ui.strong(machine);
                ui.end_row();
                ui.label("Type");
                ui.label(config.workflow_type().as_str());
                ui.end_row();
                ui.label("Role");
                ui.label(
                    config
                        .role_arn
                        .as_deref()
                        .unwrap_or("(kept when updating; needed to create)"),
                );
                ui.end_row();
                ui.label("Publish a version");
                ui.label(if config.publish { "yes" } else { "no" });
                ui.end_row();
            });
        ui.weak("These come from the Config mode.");
        ui.separator();
        self.connection_ui(ui);
        ui.separator();
        let busy = self.deploy_job.is_some();
        if ui.add_enabled(!busy, egui::Button::new("Deploy")).clicked() {
            self.start_deploy(session);
        }
        let last_step = self
            .lines
            .iter()
            .rposition(|l| matches!(l, DeployLine::Step(_)));
        for (i, line) in self.lines.iter().enumerate() {
            match line {
                DeployLine::Step(stage) => {
                    let running = busy && Some(i) == last_step;
                    let failed =
                        !busy && Some(i) == last_step && matches!(self.outcome, Some(Err(_)));
                    let mark = if running {
                        "…"
                    } else if failed {
                        "✖"
                    } else {
                        "✔"
                    };
                    ui.label(format!("{mark} {}", stage.label()));
                }
                DeployLine::Ours(text) => {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("warning: {text}"));
                }
                DeployLine::Aws { error, text } => {
                    let color = if *error {
                        ui.visuals().error_fg_color
                    } else {
                        ui.visuals().warn_fg_color
                    };
                    ui.colored_label(color, format!("AWS: {text}"));
                }
                DeployLine::Note(text) => {
                    ui.label(text);
                }
            }
        }
        if busy {
            ui.spinner();
        }
        match &self.outcome {
            Some(Ok(d)) => {
                ui.separator();
                ui.label("State machine ARN");
                ui.add(egui::Label::new(RichText::new(&d.arn).monospace()).selectable(true));
                if let Some(v) = &d.version_arn {
                    ui.label("Version ARN");
                    ui.add(egui::Label::new(RichText::new(v).monospace()).selectable(true));
                }
            }
            Some(Err(f)) => {
                ui.separator();
                ui.colored_label(ui.visuals().error_fg_color, &f.message);
            }
            None => {}
        }
    }

    fn executions_ui(&mut self, ui: &mut Ui, machine: &str) {
        ui.horizontal(|ui| {
            ui.label("State machine");
            ui.strong(self.machine_arn.as_deref().unwrap_or(machine));
        });
        egui::CollapsingHeader::new("Connection")
            .id_salt("executions-connection")
            .show(ui, |ui| self.connection_ui(ui));
        let busy = self.exec_job.is_some();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new("⟳ Refresh"))
                .clicked()
            {
                self.refresh(machine.to_owned());
            }
            if busy {
                ui.spinner();
            }
        });
        ui.horizontal(|ui| {
            ui.label("Input");
            ui.add(
                egui::TextEdit::singleline(&mut self.exec_input)
                    .code_editor()
                    .desired_width(360.0)
                    .id_salt("execution-input"),
            )
            .accessible_name("Execution input");
            if ui
                .add_enabled(!busy, egui::Button::new("▶ Start execution"))
                .clicked()
            {
                self.start_execution(machine.to_owned());
            }
        });
        match &self.exec_note {
            Some(Ok(n)) => {
                ui.label(n);
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            None => {}
        }
        ui.separator();
        if self.executions.is_empty() {
            ui.weak("No executions listed: Refresh, or start one.");
        }
        let mut chosen: Option<(ExecChoice, String)> = None;
        egui::ScrollArea::vertical()
            .id_salt("executions-list")
            .max_height(320.0)
            .show(ui, |ui| {
                egui::Grid::new("executions-grid")
                    .num_columns(5)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.strong("Name");
                        ui.strong("Status");
                        ui.strong("Started");
                        ui.strong("Stopped");
                        ui.strong("");
                        ui.end_row();
                        for e in &self.executions {
                            // The name, else the ARN's last part.
                            let name = if e.name.is_empty() {
                                e.arn.rsplit(':').next().unwrap_or_default()
                            } else {
                                &e.name
                            };
                            ui.label(name);
                            ui.label(&e.status);
                            ui.label(&e.start);
                            ui.label(e.stop.as_deref().unwrap_or("—"));
                            ui.horizontal(|ui| {
                                if ui.add_enabled(!busy, egui::Button::new("Replay")).clicked() {
                                    chosen = Some((ExecChoice::Replay, e.arn.clone()));
                                }
                                let running = e.status == "RUNNING";
                                if ui
                                    .add_enabled(!busy && running, egui::Button::new("Stop"))
                                    .clicked()
                                {
                                    chosen = Some((ExecChoice::Stop, e.arn.clone()));
                                }
                                let ended =
                                    matches!(e.status.as_str(), "FAILED" | "TIMED_OUT" | "ABORTED");
                                if ui
                                    .add_enabled(!busy && ended, egui::Button::new("Redrive"))
                                    .clicked()
                                {
                                    chosen = Some((ExecChoice::Redrive, e.arn.clone()));
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        match chosen {
            Some((ExecChoice::Replay, arn)) => self.open_replay(machine.to_owned(), arn),
            Some((ExecChoice::Stop, arn)) => self.stop(machine.to_owned(), arn),
            Some((ExecChoice::Redrive, arn)) => self.redrive(machine.to_owned(), arn),
            None => {}
        }
    }
}

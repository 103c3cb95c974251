//! What the AWS-facing commands share: the client options (`--endpoint-url`, `--region`,
//! `--profile`, over the standard credentials chain), connecting, naming a state machine by ARN
//! or by the file it was deployed from, and AWS errors as messages.

pub use crate::deploy::default_name;
use clap::Args;
use std::path::Path;
use stepcraft_aws::{AwsError, ClientConfig, Sfn};

#[derive(Clone, Debug, Default, Args)]
pub struct AwsArgs {
    /// Send every call here instead of AWS (a local emulator, for example
    /// http://127.0.0.1:5000); else AWS_ENDPOINT_URL, else AWS.
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// The AWS region; else AWS_REGION, else the profile's.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// A named profile of ~/.aws/config; else AWS_PROFILE, else the default chain.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
}

impl AwsArgs {
    /// The client set-up these options ask for.
    pub fn config(&self) -> ClientConfig {
        ClientConfig {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }

    /// A Step Functions client.
    pub fn connect(&self) -> Result<Sfn, String> {
        Sfn::connect(&self.config()).map_err(|e| message(&e))
    }
}

/// An AWS error as the CLI prints it.
pub fn message(e: &AwsError) -> String {
    format!("error: {e}")
}

/// A state machine's ARN: `target` itself when it is one, else the state machine deployed from
/// the definition `target` names (a file or `TEMPLATE#LogicalId`), found by the name
/// `stepcraft deploy` gives it.
pub fn state_machine_arn(sfn: &Sfn, target: &str) -> Result<String, String> {
    if target.starts_with("arn:") {
        return Ok(target.to_owned());
    }
    let path = Path::new(target);
    if !super::definition::split(path).0.is_file() {
        return Err(format!(
            "error: {target} is neither an ARN (arn:aws:states:...) nor a definition file"
        ));
    }
    let loaded = super::definition::load(path).map_err(|f| f.message)?;
    let name = super::deploy::deployed_name(&loaded)?;
    match sfn.find_state_machine(&name).map_err(|e| message(&e))? {
        Some(machine) => Ok(machine.arn),
        None => Err(format!(
            "error: no state machine is named {name} (deployed from {target}) in this account and region\n  hint: deploy it first with `stepcraft deploy {target}`, or check --region and --endpoint-url"
        )),
    }
}

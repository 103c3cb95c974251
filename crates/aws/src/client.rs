//! The one AWS client set-up: options from the command line (or the studio) over the standard
//! chain (environment, shared config and credentials files, SSO, credential processes, web
//! identity, container and instance metadata), turned into an [`SdkConfig`] any service client
//! is built from.

use crate::AwsError;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// What the user chose; anything left `None` comes from the standard chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientConfig {
    /// A named profile of `~/.aws/config` and `~/.aws/credentials` (else `AWS_PROFILE`, else
    /// `default`).
    pub profile: Option<String>,
    /// The region (else `AWS_REGION`, else the profile's).
    pub region: Option<String>,
    /// Another endpoint for every service, such as a local emulator (else `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

impl ClientConfig {
    /// Resolves the configuration: credentials provider, region, endpoint. Credentials are read
    /// lazily, at the first call; a missing region is an error here, with what to do.
    pub async fn load(&self) -> Result<SdkConfig, AwsError> {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).http_client(https_client());
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        if config.region().is_none() {
            return Err(AwsError::setup(
                "no AWS region is set",
                "pass --region REGION, set AWS_REGION, or give the profile a region",
            ));
        }
        Ok(config)
    }

    /// [`ClientConfig::load`] on a runtime of its own, for synchronous callers.
    pub fn load_blocking(&self, runtime: &tokio::runtime::Runtime) -> Result<SdkConfig, AwsError> {
        runtime.block_on(self.load())
    }
}

/// The HTTPS client every service client uses: hyper with rustls on ring (the TLS stack the
/// engine's HTTP Tasks already build), so no second crypto library is compiled.
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// A current-thread runtime with I/O and timers, for running SDK calls from synchronous code.
pub fn runtime() -> Result<tokio::runtime::Runtime, AwsError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AwsError::setup(format!("cannot start the async runtime: {e}"), ""))
}

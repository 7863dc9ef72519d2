//! Amounts of money: minor units and an ISO 4217 currency, formatted for
//! the reader's locale by ICU4X.

use async_graphql::{Context, Object};

use super::RequestState;
use crate::error::ApiResult;

/// An amount of money.
#[derive(Clone, Debug)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

#[Object]
impl Money {
    /// The amount in minor units (øre, cents): NOK 1 700,00 is 170000.
    async fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// ISO 4217 code, e.g. `NOK`, `EUR`, `USD`, `DKK`, `ZAR`.
    async fn currency(&self) -> &str {
        &self.currency
    }

    /// The amount as the reader writes it: nb-NO `1 700,00 kr`, en-US `NOK 1,700.00`.
    async fn formatted(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .localizer
            .money(&state.chain, self.amount_minor, &self.currency))
    }
}

pub use crate::domain::MoneyInput;

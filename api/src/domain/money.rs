//! Amounts of money in input: minor units and an ISO 4217 currency.

use async_graphql::InputObject;

use super::{CurrencyCode, amount_minor};
use crate::error::ApiResult;

/// An amount of money in input.
#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    /// Minor units (øre, cents); never negative.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl MoneyInput {
    /// Checks the amount and the currency; `field` names the input (e.g. `budget`).
    pub fn parse(&self, field: &str) -> ApiResult<(i64, CurrencyCode)> {
        let amount = amount_minor(&format!("{field}.amountMinor"), self.amount_minor)?;
        let currency = CurrencyCode::parse(&format!("{field}.currency"), &self.currency)?;
        Ok((amount, currency))
    }
}

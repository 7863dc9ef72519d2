//! Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the
//! secret after `whsec_`. During a rotation both secrets sign, and the
//! header carries both signatures, space-separated.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// The prefix Standard Webhooks gives secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new secret: `whsec_` and 32 random bytes in base64, and those bytes.
pub fn new_secret() -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = vec![0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("no random numbers"))?;
    Ok((format!("{SECRET_PREFIX}{}", STANDARD.encode(&bytes)), bytes))
}

/// One `v1,…` signature.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut context = hmac::Context::with_key(&key);
    context.update(id.as_bytes());
    context.update(b".");
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
}

/// The `webhook-signature` header: a signature per key, space-separated.
pub fn header(keys: &[Vec<u8>], id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|key| sign(key, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference implementations.
    #[test]
    fn signs_the_specification_example() {
        let key = STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .expect("base64");
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_new_each_time_and_carry_their_bytes() {
        let (one, bytes) = new_secret().expect("secret");
        let (two, _) = new_secret().expect("secret");
        assert_ne!(one, two);
        assert_eq!(
            STANDARD
                .decode(one.strip_prefix(SECRET_PREFIX).expect("prefix"))
                .expect("base64"),
            bytes
        );
        assert_eq!(bytes.len(), 32);
    }
}

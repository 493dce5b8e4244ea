//! The region a request is for, read from its SigV4 credential scope
//! (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-1/eks/aws4_request, …`).
//! Signatures are not checked: the sim trusts every caller that signs.

use axum::http::HeaderMap;

use crate::aws::error::AwsError;

/// The region named in the credential scope, or the AWS error a real
/// endpoint gives (`status` differs per protocol: 403 rest-json, 400 JSON).
pub fn region_of(headers: &HeaderMap, status: u16) -> Result<String, AwsError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(AwsError::missing_token(status));
    };
    let value = value
        .to_str()
        .map_err(|_| AwsError::incomplete_signature(status, "Authorization header is not ASCII"))?;
    let scope = value
        .split(['\x20', ','])
        .find_map(|part| part.strip_prefix("Credential="))
        .ok_or_else(|| {
            AwsError::incomplete_signature(
                status,
                format!(
                    "Authorization header requires 'Credential' parameter. Authorization={value}"
                ),
            )
        })?;
    // AKID / date / region / service / aws4_request
    let parts: Vec<&str> = scope.split('/').collect();
    match parts.as_slice() {
        [_, _, region, _, "aws4_request"] if !region.is_empty() => Ok((*region).to_owned()),
        _ => Err(AwsError::incomplete_signature(
            status,
            format!("Credential should be scoped to a valid region. Credential={scope}"),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("authorization", auth.parse().unwrap());
        h
    }

    #[test]
    fn region_comes_from_the_credential_scope() {
        let h = headers(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        );
        assert_eq!(region_of(&h, 403).unwrap(), "eu-west-1");
    }

    #[test]
    fn missing_or_malformed_authorization_is_refused() {
        assert_eq!(
            region_of(&HeaderMap::new(), 403).unwrap_err().code,
            "MissingAuthenticationTokenException"
        );
        let err = region_of(&headers("Bearer x"), 400).unwrap_err();
        assert_eq!(
            (err.code, err.status),
            ("IncompleteSignatureException", 400)
        );
        let err = region_of(&headers("AWS4-HMAC-SHA256 Credential=AK/2026/eks"), 400).unwrap_err();
        assert_eq!(err.code, "IncompleteSignatureException");
    }
}

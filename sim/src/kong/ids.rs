//! Deterministic identifiers: entity UUIDs derived from names, node ids, and
//! the 32-hex-digit hash Kong reports as `configuration_hash`.
//!
//! FNV-1a (128 bit) is enough here: the ids only have to be stable for a given
//! name and look like the UUIDs Kong hands out, not resist an adversary.

const FNV128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// The hash Kong reports for a node that holds no configuration.
pub const EMPTY_CONFIG_HASH: &str = "00000000000000000000000000000000";

/// FNV-1a over `parts`, with a separator byte between parts so that
/// `["ab", "c"]` and `["a", "bc"]` differ.
pub fn fnv128(parts: &[&str]) -> u128 {
    let mut hash = FNV128_OFFSET;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0x1f;
            hash = hash.wrapping_mul(FNV128_PRIME);
        }
        for byte in part.bytes() {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(FNV128_PRIME);
        }
    }
    hash
}

/// A UUID (version 5 layout, so strict validators accept it) derived from an
/// entity kind and its natural key, e.g. `("upstreams", "echo.default.80.svc")`.
pub fn entity_id(kind: &str, key: &str) -> String {
    uuid_from(fnv128(&["fleetdeck-sim-kong", kind, key]))
}

/// Formats 128 bits as an RFC 4122 UUID string with version 5 and variant 1.
pub fn uuid_from(bits: u128) -> String {
    let mut v = bits;
    v = (v & !(0xf << 76)) | (0x5 << 76);
    v = (v & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// 32 lowercase hex digits for `content`; never the all-zero "empty" hash.
pub fn content_hash(content: &str) -> String {
    let hash = fnv128(&["fleetdeck-sim-kong-config", content]);
    format!("{:032x}", hash.max(1))
}

/// True when `s` has Kong's UUID shape (8-4-4-4-12 hex digits), which is how
/// the admin API decides between "look up by id" and "look up by name".
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_ids_are_stable_uuid_shaped_and_distinct() {
        let a = entity_id("upstreams", "echo.default.80.svc");
        assert_eq!(a, entity_id("upstreams", "echo.default.80.svc"));
        assert_ne!(a, entity_id("services", "echo.default.80.svc"));
        assert!(is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "5", "version nibble in {a}");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "variant in {a}"
        );
    }

    #[test]
    fn is_uuid_rejects_names() {
        assert!(!is_uuid("echo.default.80.svc"));
        assert!(!is_uuid("0000000-0000-0000-0000-0000000000000"));
        assert!(is_uuid("a1b2c3d4-0000-4000-8000-0123456789ab"));
    }

    #[test]
    fn content_hash_is_32_hex_and_content_sensitive() {
        let h = content_hash("x");
        assert_eq!(h.len(), 32);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(h, content_hash("y"));
        assert_ne!(h, EMPTY_CONFIG_HASH);
    }
}

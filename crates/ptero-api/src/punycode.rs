//! Punycode (RFC 3492), the encoding behind `xn--` host labels. Written here because the
//! crate ships in a size-budgeted wasm bundle and needs only this part of IDNA.
//!
//! Both directions work on one label and return `None` on overflow or bad input instead
//! of panicking.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;
const DELIMITER: char = '-';

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points.max(1);
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + ((BASE - T_MIN + 1) * delta) / (delta + SKEW)
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn encode_digit(digit: u32) -> char {
    // digit < 36 by construction: 0..=25 are a..z, 26..=35 are 0..9.
    let byte = if digit < 26 {
        b'a' + digit as u8
    } else {
        b'0' + (digit - 26) as u8
    };
    char::from(byte)
}

fn decode_digit(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        '0'..='9' => Some(c as u32 - '0' as u32 + 26),
        _ => None,
    }
}

/// Encodes one label (without the `xn--` prefix). `None` on arithmetic overflow.
pub fn encode(input: &str) -> Option<String> {
    let chars: Vec<u32> = input.chars().map(u32::from).collect();
    let mut output: String = input.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(output.len()).ok()?;
    let total = u32::try_from(chars.len()).ok()?;
    if basic > 0 {
        output.push(DELIMITER);
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while handled < total {
        let next = chars.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((next - n).checked_mul(handled + 1)?)?;
        n = next;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    output.push(encode_digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(encode_digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

/// Decodes one label (without the `xn--` prefix). `None` for anything that is not
/// valid Punycode.
pub fn decode(input: &str) -> Option<String> {
    let (basic, extended) = match input.rfind(DELIMITER) {
        // A delimiter in first place has no basic code points before it and is itself
        // read as a (bad) digit, as RFC 3492 6.2 says.
        Some(at) if at > 0 => (input.get(..at)?, input.get(at + 1..)?),
        _ => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = extended.chars();
    while let Some(first) = digits.next() {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        let mut c = first;
        loop {
            let digit = decode_digit(c)?;
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
            c = digits.next()?;
        }
        let len = u32::try_from(output.len()).ok()?.checked_add(1)?;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        if n < INITIAL_N {
            return None;
        }
        output.insert(usize::try_from(i).ok()?, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Samples from RFC 3492 section 7.1 and well-known domains.
    const SAMPLES: &[(&str, &str)] = &[
        ("münchen", "mnchen-3ya"),
        ("bücher", "bcher-kva"),
        ("ü", "tda"),
        ("例え", "r8jz45g"),
        ("日本語", "wgv71a119e"),
        ("пример", "e1afmkfd"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
    ];

    #[test]
    fn rfc_samples_encode() {
        for (unicode, ascii) in SAMPLES {
            assert_eq!(encode(unicode).as_deref(), Some(*ascii), "{unicode}");
        }
    }

    #[test]
    fn rfc_samples_decode() {
        for (unicode, ascii) in SAMPLES {
            assert_eq!(decode(ascii).as_deref(), Some(*unicode), "{ascii}");
        }
    }

    #[test]
    fn garbage_does_not_decode() {
        for bad in ["-", "a-!", "99999999999", "zzzzzzzzzzzzzzzzz9", "ü-a"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}

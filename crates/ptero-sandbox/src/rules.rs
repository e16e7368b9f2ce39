//! The Laravel validation rules egg variables use (`required|string|max:20`), with the
//! panel's English messages (`resources/lang/en/validation.php`). Rules the sandbox does
//! not know (such as `regex`) pass.

use ptero_api::FieldError;

/// Checks `value` (`None` is null) against a pipe-separated rule string; one error per
/// failed rule, as Laravel reports them.
pub fn validate(attribute: &str, value: Option<&str>, rules: &str) -> Vec<FieldError> {
    let rules: Vec<(&str, Option<&str>)> = rules
        .split('|')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(|rule| match rule.split_once(':') {
            Some((name, parameters)) => (name, Some(parameters)),
            None => (rule, None),
        })
        .collect();
    let numeric = rules
        .iter()
        .any(|(name, _)| matches!(*name, "integer" | "numeric"));
    let Some(value) = value else {
        let required = rules.iter().any(|(name, _)| *name == "required");
        return if required {
            vec![FieldError::new(
                attribute,
                "required",
                format!("The {attribute} field is required."),
            )]
        } else {
            Vec::new()
        };
    };
    let number = value.parse::<f64>().ok().filter(|_| numeric);
    let size = number.unwrap_or(value.chars().count() as f64);
    let unit = if number.is_some() { "" } else { " characters" };
    let mut errors = Vec::new();
    let mut fail =
        |rule: &str, detail: String| errors.push(FieldError::new(attribute, rule, detail));
    for (name, parameters) in rules {
        let parameters: Vec<&str> = parameters
            .map(|p| p.split(',').collect())
            .unwrap_or_default();
        let bound = |index: usize| {
            parameters
                .get(index)
                .and_then(|p| p.trim().parse::<f64>().ok())
        };
        match name {
            "integer" if value.parse::<i64>().is_err() => {
                fail(name, format!("The {attribute} must be an integer."));
            }
            "numeric" if value.parse::<f64>().is_err() => {
                fail(name, format!("The {attribute} must be a number."));
            }
            "alpha_num" if !value.chars().all(char::is_alphanumeric) => {
                fail(
                    name,
                    format!("The {attribute} may only contain letters and numbers."),
                );
            }
            "alpha_dash"
                if !value
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_') =>
            {
                fail(
                    name,
                    format!("The {attribute} may only contain letters, numbers, dashes and underscores."),
                );
            }
            "boolean" if !matches!(value, "0" | "1" | "true" | "false") => {
                fail(
                    name,
                    format!("The {attribute} field must be true or false."),
                );
            }
            "in" if !parameters.iter().any(|allowed| allowed.trim() == value) => {
                fail(name, format!("The selected {attribute} is invalid."));
            }
            "max" => {
                if let Some(max) = bound(0).filter(|max| size > *max) {
                    fail(
                        name,
                        format!("The {attribute} may not be greater than {max}{unit}."),
                    );
                }
            }
            "min" => {
                if let Some(min) = bound(0).filter(|min| size < *min) {
                    fail(
                        name,
                        format!("The {attribute} must be at least {min}{unit}."),
                    );
                }
            }
            "between" => {
                if let (Some(min), Some(max)) = (bound(0), bound(1)) {
                    if size < min || size > max {
                        fail(
                            name,
                            format!("The {attribute} must be between {min} and {max}{unit}."),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_failed(value: Option<&str>, rules: &str) -> Vec<String> {
        validate("value", value, rules)
            .into_iter()
            .map(|error| format!("{}: {}", error.rule, error.detail))
            .collect()
    }

    #[test]
    fn laravel_messages_for_common_rules() {
        assert_eq!(
            rules_failed(None, "required|string|max:20"),
            ["required: The value field is required."]
        );
        assert!(rules_failed(None, "nullable|string|max:20").is_empty());
        assert_eq!(
            rules_failed(Some("a-b"), "nullable|alpha_num|max:32"),
            ["alpha_num: The value may only contain letters and numbers."]
        );
        assert_eq!(
            rules_failed(Some("abcdefghijklmnopqrstuvwxyz"), "required|string|max:20"),
            ["max: The value may not be greater than 20 characters."]
        );
        assert_eq!(
            rules_failed(Some("900"), "required|integer|between:1,500"),
            ["between: The value must be between 1 and 500."]
        );
        assert_eq!(
            rules_failed(Some("many"), "required|integer|between:1,500"),
            ["integer: The value must be an integer."]
        );
        assert!(rules_failed(Some("42"), "required|integer|between:1,500").is_empty());
    }
}

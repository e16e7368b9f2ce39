//! Pterodactyl 1.12's and Pelican's per-server throttles on creating things
//! (pelican-dev/panel `app/Enums/ResourceLimit.php`, `config/http.php`): every user of
//! a server together may create so many allocations, databases, schedules or subusers
//! per period, counted by the server's uuid, after the server-access checks and before
//! the permission check; past it the panel answers 429 "Too Many Attempts." with
//! `Retry-After`. Pterodactyl 1.11 has none of these.

use crate::flavor::{ActionLimit, Flavor, LimitScope};

/// A thing the throttles count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    AllocationCreate,
    DatabaseCreate,
    ScheduleCreate,
    SubuserCreate,
}

impl Resource {
    pub const ALL: [Resource; 4] = [
        Resource::AllocationCreate,
        Resource::DatabaseCreate,
        Resource::ScheduleCreate,
        Resource::SubuserCreate,
    ];
}

impl Flavor {
    /// The throttle on creating `resource`, when the flavour has one: databases 2 a
    /// minute, subusers 10 per 15 minutes, allocations and schedules the default 2 a
    /// minute.
    pub fn resource_limit(self, resource: Resource) -> Option<ActionLimit> {
        if self == Flavor::Pterodactyl111 {
            return None;
        }
        let (count, period_secs) = match resource {
            Resource::SubuserCreate => (10, 900),
            Resource::AllocationCreate | Resource::DatabaseCreate | Resource::ScheduleCreate => {
                (2, 60)
            }
        };
        Some(ActionLimit {
            count,
            period_secs,
            per: LimitScope::Server,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_1_12_and_pelican_throttle_creation() {
        for resource in Resource::ALL {
            assert_eq!(Flavor::Pterodactyl111.resource_limit(resource), None);
            assert!(Flavor::Pterodactyl112.resource_limit(resource).is_some());
            assert_eq!(
                Flavor::Pelican.resource_limit(resource),
                Flavor::Pterodactyl112.resource_limit(resource)
            );
        }
        assert_eq!(
            Flavor::Pelican.resource_limit(Resource::SubuserCreate),
            Some(ActionLimit {
                count: 10,
                period_secs: 900,
                per: LimitScope::Server
            })
        );
    }
}

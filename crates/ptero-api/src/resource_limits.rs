//! Pterodactyl 1.12's and Pelican's per-server throttles on creating things
//! (pelican-dev/panel `app/Enums/ResourceLimit.php`, `config/http.php`): every user of
//! a server together may create so many allocations, databases, schedules or subusers
//! per period, counted by the server's uuid, after the server-access checks and before
//! the permission check; past it the panel answers 429 "Too Many Attempts." with
//! `Retry-After`. Pterodactyl 1.11 has none of these.

use crate::flavor::Flavor;

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

/// `count` creations per `period_secs`, per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceLimit {
    pub count: u32,
    pub period_secs: u64,
}

impl Flavor {
    /// The throttle on creating `resource`, when the flavour has one: databases 2 a
    /// minute, subusers 10 per 15 minutes, allocations and schedules the default 2 a
    /// minute.
    pub fn resource_limit(self, resource: Resource) -> Option<ResourceLimit> {
        if self == Flavor::Pterodactyl111 {
            return None;
        }
        Some(match resource {
            Resource::SubuserCreate => ResourceLimit {
                count: 10,
                period_secs: 900,
            },
            Resource::AllocationCreate | Resource::DatabaseCreate | Resource::ScheduleCreate => {
                ResourceLimit {
                    count: 2,
                    period_secs: 60,
                }
            }
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
            Some(ResourceLimit {
                count: 10,
                period_secs: 900
            })
        );
    }
}

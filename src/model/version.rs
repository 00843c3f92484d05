//! Kubernetes server versions: `v1.28.3-tke.1`, `v1.10.5-qcloud-rev1`, `v1.27.4+k3s1`, minor `28+`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `GET /version`, the fields tkedirect reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerVersion {
    pub git_version: String,
    pub major: String,
    pub minor: String,
}

/// major.minor.patch of the API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl KubeVersion {
    /// Parse a gitVersion, ignoring a leading `v` and any distribution suffix.
    pub fn parse(git_version: &str) -> Option<KubeVersion> {
        let v = git_version.trim().trim_start_matches('v');
        let core = v.split(['-', '+']).next()?;
        let mut it = core.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = digits(it.next()?)?;
        let patch = it.next().and_then(digits).unwrap_or(0);
        Some(KubeVersion {
            major,
            minor,
            patch,
        })
    }

    /// From `/version`: gitVersion first, else `major`/`minor` (which may carry a `+`).
    pub fn from_server(v: &ServerVersion) -> Option<KubeVersion> {
        KubeVersion::parse(&v.git_version).or_else(|| {
            Some(KubeVersion {
                major: digits(&v.major)?,
                minor: digits(&v.minor)?,
                patch: 0,
            })
        })
    }

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

fn digits(s: &str) -> Option<u32> {
    let d: String = s.chars().take_while(char::is_ascii_digit).collect();
    d.parse().ok()
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tke_and_other_distributions() {
        let v = |s| KubeVersion::parse(s).unwrap();
        assert_eq!(
            v("v1.28.3-tke.1"),
            KubeVersion {
                major: 1,
                minor: 28,
                patch: 3
            }
        );
        assert_eq!(
            v("v1.10.5-qcloud-rev1"),
            KubeVersion {
                major: 1,
                minor: 10,
                patch: 5
            }
        );
        assert_eq!(
            v("v1.27.4+k3s1"),
            KubeVersion {
                major: 1,
                minor: 27,
                patch: 4
            }
        );
        assert_eq!(
            v("1.20"),
            KubeVersion {
                major: 1,
                minor: 20,
                patch: 0
            }
        );
        assert!(KubeVersion::parse("latest").is_none());
        let sv = ServerVersion {
            git_version: "weird".into(),
            major: "1".into(),
            minor: "21+".into(),
        };
        assert_eq!(
            KubeVersion::from_server(&sv),
            Some(KubeVersion {
                major: 1,
                minor: 21,
                patch: 0
            })
        );
        assert!(v("v1.12.0").at_least(1, 12) && !v("v1.11.9").at_least(1, 12));
    }
}

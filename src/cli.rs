//! The command line: `tandem init | build | serve | check | new`.

use crate::build::build_in_memory;
use crate::config::Overrides;
use crate::output::{OutputError, write_atomically};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit statuses, as the content format's section 7 defines them.
pub mod exit {
    pub const OK: u8 = 0;
    pub const CONTENT: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const IO: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Static sites and calendar feeds for education networks, partners, projects and events"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new site with example content (the default theme is built in)
    Init {
        /// Folder to create (default: the current folder, which must be empty)
        dir: Option<PathBuf>,
    },
    /// Build the site into the output folder
    Build {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/output)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Use this base URL instead of the one in site.yaml
        #[arg(long)]
        base_url: Option<String>,
        /// Include entries marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors (for CI)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build, serve on localhost, rebuild on change and reload the browser
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include entries marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Check content, links and templates; print every problem; write nothing
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include entries marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors (for CI)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a new entry file from the kind's template
    New {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// network, partner, project, event or post
        kind: String,
        /// The title; the file name is made from it
        title: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Init { dir } => crate::scaffold::init(dir.as_deref()),
        Command::New { root, kind, title } => crate::scaffold::new_entry(&root, &kind, &title),
        Command::Check {
            root,
            drafts,
            deny_warnings,
        } => {
            let mut built = build_in_memory(
                &root,
                &Overrides {
                    base_url: None,
                    drafts,
                },
            );
            if deny_warnings {
                built.diags.deny_warnings();
            }
            built.diags.print();
            if built.diags.has_errors() {
                exit::CONTENT
            } else {
                eprintln!("checked: no errors");
                exit::OK
            }
        }
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            deny_warnings,
        } => {
            let out_dir = output.unwrap_or_else(|| root.join("output"));
            // Refuse a dangerous output folder before doing any work.
            if let Err(e) = crate::output::check_output_dir(&root, &out_dir) {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
            let started = std::time::Instant::now();
            let mut built = build_in_memory(&root, &Overrides { base_url, drafts });
            if deny_warnings {
                built.diags.deny_warnings();
            }
            built.diags.print();
            if built.diags.has_errors() {
                eprintln!(
                    "build failed: the previous output in {} is unchanged",
                    out_dir.display()
                );
                return exit::CONTENT;
            }
            match write_atomically(&built.output, &root, &out_dir) {
                Ok(()) => {
                    eprintln!(
                        "built {} files into {} in {} ms",
                        built.output.len(),
                        out_dir.display(),
                        started.elapsed().as_millis()
                    );
                    exit::OK
                }
                Err(OutputError::Refused(m)) => {
                    eprintln!("error: {m}");
                    exit::USAGE
                }
                Err(OutputError::Io(m)) => {
                    eprintln!("error: {m}; the previous output is unchanged");
                    exit::IO
                }
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
        } => crate::serve::serve(&root, &bind, port, drafts),
    }
}

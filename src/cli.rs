//! The command line: `tandem init | build | serve | check | new`.

use crate::build::build_in_memory;
use crate::config::Overrides;
use crate::error::Error;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use crate::error::exit;

const EXIT_HELP: &str = "\
Exit status: 0 fine (warnings allowed), 1 content or template errors,
2 wrong usage or a refused output folder, 3 a file could not be read or written.
Problems are reported as `path:line:col: message`; set NO_COLOR to turn colours off.";

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Static sites and calendar feeds for education networks, partners, projects and events",
    after_help = EXIT_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new site with example content (the default theme is built in)
    #[command(
        after_help = "The folder must not exist yet or be empty; nothing is ever overwritten."
    )]
    Init {
        /// Folder to create (default: the current folder, which must be empty)
        dir: Option<PathBuf>,
        /// The site's languages, the main one first: `de,en` makes a
        /// bilingual site with some entries translated
        #[arg(long, value_delimiter = ',', default_value = "de")]
        languages: Vec<String>,
    },
    /// Build the site into the output folder
    #[command(after_help = "\
The site is written into a new folder beside the output and swapped in when
complete: a failed or interrupted build leaves the previous output as it was.
tandem refuses (exit 2) an output folder that is the site folder or contains it,
lies inside content/, static/, templates/ or themes/, or is a non-empty folder
that tandem did not create (it has no .tandem-output file).

Exit status: 0 built, 1 content or template errors (nothing written),
2 wrong usage or refused output folder, 3 could not write.")]
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
        /// Fail instead of changing calendar.lock (for CI)
        #[arg(long)]
        locked: bool,
    },
    /// Build, serve on localhost, rebuild on change and reload the browser
    Serve {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include entries marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Check content, links and templates; print every problem; write nothing
    #[command(after_help = "\
Runs every validation of a build and prints every error and warning, without
writing anything. Exit status: 0 when there are no errors (warnings allowed;
with --deny-warnings a warning counts as an error), 1 on errors, 2 on wrong usage,
3 when a file cannot be read.")]
    Check {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include entries marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors (for CI)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a new entry file from the kind's template, or a translation
    #[command(after_help = "\
Writes content/KIND/SLUG.md, SLUG made from the title (ä→ae, ö→oe, ü→ue, ß→ss,
other characters to -), and prints its path. An existing file is never
overwritten. Example: tandem new event \"Größe & Übermut\" writes
content/events/groesse-uebermut.md.

With --lang, writes the translation of the existing entry ID instead:
tandem new event \"Expert workshop\" --lang en digit-ready-2-koeln writes
content/events/digit-ready-2-koeln.en.md with the fields a translation holds,
the main file's words beside them to translate.")]
    New {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// network, partner, project, event or post
        kind: String,
        /// The title; the file name is made from it
        title: String,
        /// Write a translation into this language (one of `languages` in site.yaml)
        #[arg(long, requires = "id")]
        lang: Option<String>,
        /// With --lang: the id of the entry to translate (its file name without .md)
        id: Option<String>,
    },
    /// Make entries from an existing calendar (.ics) or table (.csv)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the JSON Schema of a kind's front matter, for editors
    #[command(after_help = "\
Prints a JSON Schema (draft 2020-12) of the front matter of KIND: its fields,
their types, which are required, a line of documentation and an example each;
other keys are refused. Without KIND, one document holds every kind's schema
under $defs (e.g. tandem.schema.json#/$defs/event). Example:
tandem schema event > .vscode/tandem-event.schema.json")]
    Schema {
        /// network, partner, project, event, post or page (default: all)
        kind: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Events from a calendar file (Google Calendar, Outlook, Thunderbird, tandem)
    #[command(after_help = "\
Writes content/events/ID.md for every event of FILE (- reads standard input),
ID made from the title and the date. Each event keeps its UID (`uid:`), so
subscribers of the old calendar see the same events, not duplicates. Times
stay in the event's zone (Windows zone names such as \"W. Europe Standard
Time\" are understood); UTC times are turned into the site's zone. What an
event has that an entry cannot hold (attendees, alarms, moved instances of
a series) is listed at the end. An existing file is skipped, or replaced
with --force. Exit status: 0 imported, 1 the file is not a calendar,
2 wrong usage, 3 a file could not be read or written.")]
    Ics {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Replace files that exist instead of skipping them
        #[arg(long)]
        force: bool,
        /// The .ics file, or - for standard input
        file: PathBuf,
    },
    /// Entries from a table: a programme or a partner list, saved as CSV
    #[command(after_help = "\
The first row names the columns: field names (title, start, end, location,
summary, organizers, …) or the German headers tables use (Datum, Ort,
Thema, Uhrzeit, …); --map 'Datum=start,Ort=location' names others.
German dates such as 07.11.2019, 19/20.03.2022 or 06.04. – 22.06.2022 and
times such as 10:00 or 10:00–16:00 are understood. Files with ; or , and in
UTF-8 or Windows-1252 (Excel's CSV in Germany) are read. A cell that cannot
be read is an error at FILE:row:col and nothing is written, unless
--skip-bad-rows leaves its row out. Exit status: 0 imported, 1 a cell could
not be read, 2 wrong usage, 3 a file could not be read or written.")]
    Csv {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Replace files that exist instead of skipping them
        #[arg(long)]
        force: bool,
        /// Header names for columns: 'Datum=start,Ort=location,Thema/Beschreibung=title'
        #[arg(long)]
        map: Option<String>,
        /// Leave out rows with a cell that cannot be read (each is reported)
        #[arg(long)]
        skip_bad_rows: bool,
        /// event, partner, network, project or post
        kind: String,
        /// The .csv file
        file: PathBuf,
    },
}

/// Runs one command. `now` is the fixed "now" of a reproducible build
/// (`SOURCE_DATE_EPOCH`), which only the binary reads from the environment
/// ([`crate::config::now_from_env`]). `serve` runs until Ctrl-C or
/// SIGTERM ends the process.
pub fn run(cli: Cli, now: Option<chrono::DateTime<chrono::Utc>>) -> Result<(), Error> {
    match cli.command {
        Command::Init { dir, languages } => crate::scaffold::init(dir.as_deref(), &languages),
        Command::New {
            root,
            kind,
            title,
            lang,
            id,
        } => match (lang, id) {
            (Some(lang), Some(id)) => {
                crate::scaffold::new_translation(&root, &kind, &title, &lang, &id)
            }
            (None, Some(id)) => Err(Error::Usage(format!(
                "`{id}`: an id after the title names the entry to translate, with --lang (e.g. `--lang en {id}`)"
            ))),
            _ => {
                let today = now.unwrap_or_else(chrono::Utc::now).date_naive();
                crate::scaffold::new_entry(&root, &kind, &title, today)
            }
        },
        Command::Schema { kind } => schema(kind.as_deref()),
        Command::Import(ImportCommand::Ics { root, force, file }) => {
            require_site(&root)?;
            crate::import::import_ics(&root, &file, force)
        }
        Command::Import(ImportCommand::Csv {
            root,
            force,
            map,
            skip_bad_rows,
            kind,
            file,
        }) => {
            require_site(&root)?;
            crate::import::import_table(&root, &kind, &file, map.as_deref(), skip_bad_rows, force)
        }
        Command::Check {
            root,
            drafts,
            deny_warnings,
        } => {
            require_site(&root)?;
            let mut built = build_in_memory(
                &root,
                &Overrides {
                    base_url: None,
                    drafts,
                    now,
                    image_cache: None,
                },
            );
            if deny_warnings {
                built.diags.deny_warnings();
            }
            built.diags.print();
            if let Some(site) = &built.site {
                for line in site.untranslated_report() {
                    crate::to_stderr!("{line}");
                }
            }
            if built.diags.has_io_errors() {
                Err(Error::ReportedIo)
            } else if built.diags.has_errors() {
                Err(Error::Content)
            } else {
                crate::to_stderr!("checked: no errors");
                Ok(())
            }
        }
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            deny_warnings,
            locked,
        } => {
            require_site(&root)?;
            let out_dir = output.unwrap_or_else(|| root.join("output"));
            // Refuse a dangerous output folder before doing any work.
            crate::output::check_output_dir(&root, &out_dir)?;
            let started = std::time::Instant::now();
            let (diags, written) = crate::build::build_to_disk(
                &root,
                &Overrides {
                    base_url,
                    drafts,
                    now,
                    image_cache: None,
                },
                &out_dir,
                deny_warnings,
                if locked {
                    crate::build::LockUse::Locked
                } else {
                    crate::build::LockUse::Update
                },
            );
            diags.print();
            match written {
                crate::build::Written::Done { files, images } => {
                    let pictures = if images.made + images.cached > 0 {
                        format!(
                            " ({} images: {} made, {} from the cache)",
                            images.made + images.cached,
                            images.made,
                            images.cached
                        )
                    } else {
                        String::new()
                    };
                    crate::to_stderr!(
                        "built {files} files into {} in {} ms{pictures}",
                        out_dir.display(),
                        started.elapsed().as_millis()
                    );
                    Ok(())
                }
                crate::build::Written::Failed => {
                    crate::to_stderr!(
                        "build failed: the previous output in {} is unchanged",
                        out_dir.display()
                    );
                    if diags.has_io_errors() {
                        Err(Error::ReportedIo)
                    } else {
                        Err(Error::Content)
                    }
                }
                crate::build::Written::Output(e) => Err(e.into()),
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
        } => {
            // Ctrl-C (SIGINT) and SIGTERM end `serve` with status 0, at
            // once, even during the first build of a big site. Ending the
            // process is the command line's decision, so the handler is
            // set here and not in the library, whose callers (tests, other
            // programs) keep their process. `ctrlc` runs it on a thread of
            // its own, not inside the signal handler. Setting it fails only
            // when the system refuses; the signals then keep their default
            // action.
            let _ = ctrlc::set_handler(|| {
                crate::to_stderr!("\nstopped");
                std::process::exit(exit::OK.into());
            });
            crate::serve::serve(&root, &bind, port, drafts, now)
        }
    }
}

/// A site folder is one with a `site.yaml`; anything else is wrong usage
/// (most often a wrong `--root`), not a content error.
fn require_site(root: &std::path::Path) -> Result<(), Error> {
    if root.join(crate::config::CONFIG_FILE).is_file() {
        return Ok(());
    }
    Err(Error::Usage(if !root.is_dir() {
        format!("the site folder {} does not exist", root.display())
    } else {
        format!(
            "{} is not a tandem site: it has no site.yaml (pass the site folder with --root, or create a site with `tandem init`)",
            root.display()
        )
    }))
}

/// `tandem schema [KIND]`.
fn schema(kind: Option<&str>) -> Result<(), Error> {
    use crate::entry::Kind;
    use crate::frontmatter::schema;
    let value = match kind {
        None => schema::json_schemas(),
        Some(name) => match Kind::from_name(name)
            .or_else(|| Kind::from_folder(name))
            .or_else(|| (name == Kind::Page.name()).then_some(Kind::Page))
        {
            Some(kind) => schema::json_schema(kind),
            None => {
                let names = ["network", "partner", "project", "event", "post", "page"];
                let hint = crate::diagnostics::did_you_mean(name, names.iter().copied())
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "unknown kind `{name}`{hint}; use network, partner, project, event, post or page"
                )));
            }
        },
    };
    // A JSON value always serialises.
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    crate::to_stdout!("{text}");
    Ok(())
}

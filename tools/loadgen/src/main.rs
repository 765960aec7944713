//! The `loadgen` binary: parses the command line and runs the subcommand (see the crate docs).

use std::fs::OpenOptions;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use switchboard_loadgen::acked::AckedLog;
use switchboard_loadgen::cli::{
    Cli, Command, DeskArgs, DialerArgs, HoldArgs, ListenArgs, SinkArgs, WebhookArgs,
};
use switchboard_loadgen::{desk, dialer, hold, load, server, shutdown};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Webhook(args) => webhook(args).await,
        Command::Desk(args) => desk(args).await,
        Command::Hold(args) => hold(args).await,
        Command::Dialer(args) => run_dialer(args).await,
        Command::Baseline(args) => baseline(args).await,
        Command::Sink(args) => sink(args).await,
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn webhook(args: WebhookArgs) -> anyhow::Result<ExitCode> {
    let plan = args.plan()?;
    let acked = args.log_acked.as_deref().map(AckedLog::open).transpose()?;
    let summary = load::run(plan, acked).await?;
    if args.json {
        println!("{}", summary.to_json());
    } else {
        print!("{summary}");
    }
    if args.fail_on_error && summary.failed() > 0 {
        eprintln!(
            "error: {} requests got a non-2xx answer or none",
            summary.failed()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn desk(args: DeskArgs) -> anyhow::Result<ExitCode> {
    let report = desk::run(args.plan()?).await?;
    if args.engine.json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
    if args.fail_on_error && report.problems() > 0 {
        eprintln!(
            "error: {} messages lost, calls failed or sockets closed",
            report.problems()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn hold(args: HoldArgs) -> anyhow::Result<ExitCode> {
    let report = hold::run(args.plan()?).await?;
    if args.engine.json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
    if report.missing() > 0 {
        eprintln!(
            "error: the board shows {} of {} conversations waiting",
            report.waiting, report.conversations
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_dialer(args: DialerArgs) -> anyhow::Result<ExitCode> {
    let report = dialer::run(args.plan()?).await?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

async fn baseline(args: ListenArgs) -> anyhow::Result<ExitCode> {
    let listener = server::bind(&args.listen).await?;
    server::serve(listener, server::baseline(), shutdown::signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn sink(args: SinkArgs) -> anyhow::Result<ExitCode> {
    let log = match &args.log_requests {
        Some(path) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => None,
    };
    let listener = server::bind(&args.listen).await?;
    let state = server::Sink::new(log);
    let reporter = tokio::spawn(server::report_every_second(state.clone()));
    server::serve(listener, server::sink(state.clone()), shutdown::signal()).await?;
    reporter.abort();
    println!("{}", server::final_line(&state));
    Ok(ExitCode::SUCCESS)
}

//! The `cv` binary: hands the arguments to the CLI layer.

fn main() -> std::process::ExitCode {
    cv::cli::run(std::env::args_os())
}

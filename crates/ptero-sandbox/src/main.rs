//! ptero-sandbox (under construction).

fn main() {
    println!("ptero-sandbox: not implemented yet");
}

//! ptero-origin (under construction).

fn main() {
    println!("ptero-origin: not implemented yet");
}

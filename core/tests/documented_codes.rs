//! The README's error-code table is what users of every front read: it must
//! list every code, with its number and name, and nothing else.

use partcert::ErrorCode;

#[test]
fn the_readme_lists_every_error_code_exactly() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme
        .split("\n## Error codes")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has an \"Error codes\" section");
    let documented: Vec<(u32, String)> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let number = cells.get(1)?.parse::<u32>().ok()?;
            Some((number, cells.get(2)?.to_string()))
        })
        .collect();
    let actual: Vec<(u32, String)> = ErrorCode::ALL
        .iter()
        .map(|c| (c.code(), c.name().to_string()))
        .collect();
    assert_eq!(documented, actual);
}

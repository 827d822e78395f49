//! Converts a PDF to JSON: `pdfco-min in.pdf out.json`, configured by `PDFCO_API_KEY` and
//! `PDFCO_BASE_URL`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        return Err("usage: pdfco-min <in.pdf> <out.json>".into());
    };
    let client = pdfco::Client::from_env()?;
    client.run(&pdfco::Request::convert(pdfco::OutputFormat::Json)).input(input).save(output)?;
    Ok(())
}

fn main(){ pdfco::testing::x(); println!("ok"); }

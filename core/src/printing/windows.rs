//! Printing a PDF on Windows without a PDF viewer. Edge, the default PDF viewer of
//! Windows 10 and 11, has no "print" verb, so handing it the file fails on a stock PC;
//! instead Windows' own PDF renderer (`Windows.Data.Pdf`) draws each page as a bitmap at
//! the printer's resolution (at most 300 dpi), and GDI sends the pages to the default
//! printer as one job. The PDF never touches the disk.

use std::sync::mpsc;
use std::time::Duration;

use windows::core::{HSTRING, PCWSTR, PWSTR};
use windows::Data::Pdf::{PdfDocument, PdfPageRenderOptions};
use windows::Graphics::Imaging::BitmapEncoder;
use windows::Storage::Streams::{DataReader, DataWriter, InMemoryRandomAccessStream};
use windows::Win32::Graphics::Gdi::{
    CreateDCW, DeleteDC, GetDeviceCaps, StretchDIBits, BITMAPINFO, DIB_RGB_COLORS, HDC, HORZRES, LOGPIXELSX, SRCCOPY,
    VERTRES,
};
use windows::Win32::Graphics::Printing::GetDefaultPrinterW;
use windows::Win32::Storage::Xps::{AbortDoc, EndDoc, EndPage, StartDocW, StartPage, DOCINFOW};

use crate::{Error, Result};

/// Pages are drawn at the printer's resolution up to this many dots per inch.
const MAX_DPI: i32 = 300;
/// Windows' PDF renderer measures pages in device-independent pixels, 96 to the inch.
const DIPS_PER_INCH: f32 = 96.0;

/// Prints `pdf` on the default printer as the job `job`, giving up after `timeout`.
pub fn print(pdf: &[u8], job: &str, timeout: Duration) -> Result<()> {
    let (pdf, job) = (pdf.to_vec(), job.to_owned());
    let (sent, answer) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(print_now(&pdf, &job));
    });
    match answer.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(Problem::NoPrinter)) => Err(Error::PrintFailed(
            "The handout could not be printed: this computer has no default printer. Choose one in Windows' \
             Printers & scanners settings, or save the handout as a PDF instead."
                .into(),
        )),
        Ok(Err(Problem::Failed(why))) => Err(super::refused(&why)),
        Err(_) => Err(super::timed_out(timeout)),
    }
}

/// Why a print did not go out.
#[derive(Debug, PartialEq)]
enum Problem {
    NoPrinter,
    Failed(String),
}

impl From<windows::core::Error> for Problem {
    fn from(e: windows::core::Error) -> Self {
        Problem::Failed(format!("Windows could not read the PDF ({})", e.message()))
    }
}

fn print_now(pdf: &[u8], job: &str) -> std::result::Result<(), Problem> {
    let printer = default_printer().ok_or(Problem::NoPrinter)?;
    let dc = PrinterDc::open(&printer)?;
    let dpi = dc.caps(LOGPIXELSX).clamp(72, MAX_DPI);
    let area = (dc.caps(HORZRES), dc.caps(VERTRES));
    let pages = render(pdf, dpi as f32 / DIPS_PER_INCH)?;
    dc.print(job, &pages, area)
}

/// The default printer's name, if one is set.
fn default_printer() -> Option<String> {
    let mut len = 0u32;
    // SAFETY: asking for the length only (no buffer); then a buffer of that length.
    unsafe {
        let _ = GetDefaultPrinterW(None, &mut len);
        if len == 0 {
            return None;
        }
        let mut name = vec![0u16; len as usize];
        GetDefaultPrinterW(Some(PWSTR(name.as_mut_ptr())), &mut len).ok().ok()?;
        Some(String::from_utf16_lossy(&name[..len.saturating_sub(1) as usize]))
    }
}

/// Each page of `pdf` as a BMP file, `scale` device pixels to the page's DIP.
fn render(pdf: &[u8], scale: f32) -> windows::core::Result<Vec<Vec<u8>>> {
    let input = InMemoryRandomAccessStream::new()?;
    let writer = DataWriter::CreateDataWriter(&input)?;
    writer.WriteBytes(pdf)?;
    writer.StoreAsync()?.join()?;
    writer.DetachStream()?;
    input.Seek(0)?;
    let document = PdfDocument::LoadFromStreamAsync(&input)?.join()?;
    (0..document.PageCount()?)
        .map(|i| {
            let page = document.GetPage(i)?;
            let size = page.Size()?;
            let options = PdfPageRenderOptions::new()?;
            options.SetDestinationWidth((size.Width * scale).round() as u32)?;
            options.SetDestinationHeight((size.Height * scale).round() as u32)?;
            options.SetBitmapEncoderId(BitmapEncoder::BmpEncoderId()?)?;
            let output = InMemoryRandomAccessStream::new()?;
            page.RenderWithOptionsToStreamAsync(&output, &options)?.join()?;
            let len = u32::try_from(output.Size()?).map_err(|_| windows::core::Error::from_hresult(E_OUTOFMEMORY))?;
            let reader = DataReader::CreateDataReader(&output.GetInputStreamAt(0)?)?;
            reader.LoadAsync(len)?.join()?;
            let mut bmp = vec![0u8; len as usize];
            reader.ReadBytes(&mut bmp)?;
            Ok(bmp)
        })
        .collect()
}

const E_OUTOFMEMORY: windows::core::HRESULT = windows::core::HRESULT(0x8007000E_u32 as i32);

/// A BMP file's bitmap: where its header (BITMAPINFO) and its pixels start, and its size.
#[derive(Debug, PartialEq)]
struct Dib {
    header: usize,
    pixels: usize,
    width: i32,
    height: i32,
}

impl Dib {
    /// Reads a BMP file's headers; `None` if it is not one.
    fn read(bmp: &[u8]) -> Option<Dib> {
        let u32_at = |at: usize| Some(u32::from_le_bytes(bmp.get(at..at + 4)?.try_into().ok()?));
        if bmp.get(..2)? != b"BM" {
            return None;
        }
        let pixels = u32_at(10)? as usize;
        let (width, height) = (u32_at(18)? as i32, u32_at(22)? as i32);
        (pixels < bmp.len() && width > 0 && height != 0).then_some(Dib {
            header: 14,
            pixels,
            width,
            height: height.abs(),
        })
    }
}

/// Where a page of `page` pixels goes in the printable `area`: as large as fits, its
/// shape kept, centred. (x, y, width, height) in device pixels.
fn fit(page: (i32, i32), area: (i32, i32)) -> (i32, i32, i32, i32) {
    let scale = (area.0 as f64 / page.0 as f64).min(area.1 as f64 / page.1 as f64);
    let (w, h) = ((page.0 as f64 * scale).round() as i32, (page.1 as f64 * scale).round() as i32);
    ((area.0 - w) / 2, (area.1 - h) / 2, w, h)
}

/// A device context of a printer, deleted when dropped.
struct PrinterDc(HDC);

impl PrinterDc {
    fn open(printer: &str) -> std::result::Result<PrinterDc, Problem> {
        // SAFETY: a plain call with a valid, NUL-terminated printer name.
        let dc = unsafe { CreateDCW(PCWSTR::null(), &HSTRING::from(printer), PCWSTR::null(), None) };
        if dc.is_invalid() {
            return Err(Problem::Failed(format!("the printer \u{201c}{printer}\u{201d} could not be opened")));
        }
        Ok(PrinterDc(dc))
    }

    fn caps(&self, index: windows::Win32::Graphics::Gdi::GET_DEVICE_CAPS_INDEX) -> i32 {
        // SAFETY: the device context is valid while `self` lives.
        unsafe { GetDeviceCaps(Some(self.0), index) }
    }

    /// Sends `pages` (BMP files) as one job, each page fitted to the printable `area`.
    fn print(&self, job: &str, pages: &[Vec<u8>], area: (i32, i32)) -> std::result::Result<(), Problem> {
        let name = HSTRING::from(job);
        let info = DOCINFOW {
            cbSize: std::mem::size_of::<DOCINFOW>() as i32,
            lpszDocName: PCWSTR(name.as_ptr()),
            ..Default::default()
        };
        let failed = |what: &str| Problem::Failed(format!("the printer refused the {what}"));
        // SAFETY: the device context is valid; every page's header and pixels are inside
        // its BMP (checked by `Dib::read`), which outlives the call.
        unsafe {
            if StartDocW(self.0, &info) <= 0 {
                return Err(failed("print job"));
            }
            for bmp in pages {
                let Some(dib) = Dib::read(bmp) else {
                    AbortDoc(self.0);
                    return Err(Problem::Failed("Windows drew a page the printer cannot take".into()));
                };
                let (x, y, w, h) = fit((dib.width, dib.height), area);
                let drawn = StartPage(self.0) > 0
                    && StretchDIBits(
                        self.0,
                        x,
                        y,
                        w,
                        h,
                        0,
                        0,
                        dib.width,
                        dib.height,
                        Some(bmp[dib.pixels..].as_ptr().cast()),
                        bmp[dib.header..].as_ptr().cast::<BITMAPINFO>(),
                        DIB_RGB_COLORS,
                        SRCCOPY,
                    ) > 0
                    && EndPage(self.0) > 0;
                if !drawn {
                    AbortDoc(self.0);
                    return Err(failed("page"));
                }
            }
            if EndDoc(self.0) <= 0 {
                return Err(failed("end of the print job"));
            }
        }
        Ok(())
    }
}

impl Drop for PrinterDc {
    fn drop(&mut self) {
        // SAFETY: the device context was made by CreateDCW and is deleted once.
        unsafe {
            let _ = DeleteDC(self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 × 3 pixel, 32-bit BMP: the 14-byte file header, a 40-byte info header, pixels.
    fn bmp(width: i32, height: i32) -> Vec<u8> {
        let pixels = (width * height.abs() * 4) as usize;
        let mut file = b"BM".to_vec();
        file.extend(((54 + pixels) as u32).to_le_bytes());
        file.extend([0; 4]);
        file.extend(54u32.to_le_bytes());
        file.extend(40u32.to_le_bytes());
        file.extend(width.to_le_bytes());
        file.extend(height.to_le_bytes());
        file.extend(1u16.to_le_bytes());
        file.extend(32u16.to_le_bytes());
        file.extend([0; 24]);
        file.extend(vec![0xff; pixels]);
        file
    }

    #[test]
    fn a_rendered_page_is_read_as_a_bitmap_and_anything_else_refused() {
        assert_eq!(Dib::read(&bmp(2, 3)), Some(Dib { header: 14, pixels: 54, width: 2, height: 3 }));
        assert_eq!(Dib::read(&bmp(2, -3)).map(|d| d.height), Some(3), "top-down bitmaps too");
        assert_eq!(Dib::read(b"%PDF-1.7"), None);
        assert_eq!(Dib::read(&bmp(2, 3)[..30]), None, "a cut-off file");
    }

    #[test]
    fn a_page_fills_the_printable_area_keeping_its_shape() {
        // An A4 page at 300 dpi on a Letter printer's printable area (600 dpi).
        let (x, y, w, h) = fit((2480, 3508), (4900, 6400));
        assert_eq!((w, h), (4525, 6400));
        assert_eq!((x, y), (187, 0));
        assert_eq!(fit((100, 100), (300, 200)), (50, 0, 200, 200));
    }

    /// What can run under Wine: it has no PDF renderer (`Windows.Data.Pdf`) and no
    /// printer, so a print says why in words and fails cleanly rather than hanging.
    #[test]
    fn printing_without_a_printer_or_renderer_says_why() {
        let pdf = b"%PDF-1.7\n%%EOF\n";
        match print(pdf, "handout-1.pdf", Duration::from_secs(20)) {
            Err(Error::PrintFailed(message)) => {
                assert!(message.contains("save") && message.contains("PDF"), "{message}");
            }
            other => panic!("expected a clear print failure here, got {other:?}"),
        }
    }
}

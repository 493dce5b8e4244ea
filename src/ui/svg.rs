//! A rendered buffer as text or as an SVG of its cells in theme colours
//! (screenshots for docs and bug reports).

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The buffer's text, one line per row, trailing spaces trimmed.
pub fn to_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#1c1c1c";

/// Each run of same-styled cells becomes a background rect and a text span.
pub fn to_svg(buf: &Buffer) -> String {
    let w = f32::from(buf.area.width) * CELL_W;
    let h = f32::from(buf.area.height) * CELL_H;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>\n\
         <g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" xml:space=\"preserve\">\n"
    );
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let start = &buf[(x, y)];
            let (fg, bg, m) = (start.fg, start.bg, start.modifier);
            let mut text = String::new();
            let x0 = x;
            while x < buf.area.width {
                let c = &buf[(x, y)];
                if c.fg != fg || c.bg != bg || c.modifier != m {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let reversed = m.contains(Modifier::REVERSED);
            let (fg_hex, bg_hex) = if reversed {
                (
                    hex(bg).unwrap_or(DEFAULT_BG.into()),
                    hex(fg).or(Some(DEFAULT_FG.into())),
                )
            } else {
                (hex(fg).unwrap_or(DEFAULT_FG.into()), hex(bg))
            };
            let px = f32::from(x0) * CELL_W;
            let py = f32::from(y) * CELL_H;
            if let Some(bg) = bg_hex {
                let width = f32::from(x - x0) * CELL_W;
                out.push_str(&format!(
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{width:.1}\" height=\"{CELL_H:.1}\" fill=\"{bg}\"/>\n"
                ));
            }
            if text.trim().is_empty() {
                continue;
            }
            let weight = if m.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            let deco = if m.contains(Modifier::UNDERLINED) {
                " text-decoration=\"underline\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<text x=\"{px:.1}\" y=\"{:.1}\" fill=\"{fg_hex}\"{weight}{deco}>{}</text>\n",
                py + CELL_H * 0.78,
                escape(&text)
            ));
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// xterm's palette for named colours; None for the terminal default.
fn hex(c: Color) -> Option<String> {
    let rgb = match c {
        Color::Reset => return None,
        Color::Black => (0, 0, 0),
        Color::Red => (205, 49, 49),
        Color::Green => (13, 188, 121),
        Color::Yellow => (229, 229, 16),
        Color::Blue => (36, 114, 200),
        Color::Magenta => (188, 63, 188),
        Color::Cyan => (17, 168, 205),
        Color::Gray => (204, 204, 204),
        Color::DarkGray => (118, 118, 118),
        Color::LightRed => (241, 76, 76),
        Color::LightGreen => (35, 209, 139),
        Color::LightYellow => (245, 245, 67),
        Color::LightBlue => (59, 142, 234),
        Color::LightMagenta => (214, 112, 214),
        Color::LightCyan => (41, 184, 219),
        Color::White => (229, 229, 229),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
    };
    Some(format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2))
}

fn indexed(i: u8) -> (u8, u8, u8) {
    match i {
        16..=231 => {
            let i = i - 16;
            let v = |n: u8| if n == 0 { 0 } else { 55 + n * 40 };
            (v(i / 36), v((i / 6) % 6), v(i % 6))
        }
        232..=255 => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
        _ => (128, 128, 128),
    }
}

//! Column widths from what is on screen: each column is as wide as its
//! title and the cells of the visible rows need, within its [`Spec`]. A
//! `Fixed(n)` column takes at most `n` and a free-text (`Fill`) one a
//! share while others still need room; spare width then raises the
//! columns still cut, the narrowest first, so they come up level; what is
//! left widens the last free-text column. Short of room, the widest
//! columns are cut first, names (a `Cut::Middle` column) kept to a readable
//! width and titles kept whole as long as they can be.

use crate::view::band::{Cut, Spec, Width};

/// Cells between two columns (the table's column spacing).
pub const GAP: usize = 1;
/// What a free-text column takes before the others have what they need.
const FILL_SHARE: usize = 24;
/// The narrowest a column is cut to when even the titles do not fit.
const FLOOR: usize = 3;
/// What a bounded column keeps like its title, so a short cell (`Running`)
/// is read whole while free text and longer cells can still give.
const SHORT: usize = 7;
/// What a name column keeps while other columns can still give.
const NAME_KEEP: usize = 16;

/// Widths for columns `specs` in `room` cells (gaps included), `need[i]`
/// being the widest of column `i`'s title and visible cells and
/// `title[i]` its title's width.
pub fn fit(specs: &[Spec], need: &[usize], title: &[usize], room: usize) -> Vec<u16> {
    let n = specs.len();
    if n == 0 {
        return Vec::new();
    }
    let room = room.saturating_sub(GAP * (n - 1));
    let fill = |i: usize| !matches!(specs[i].width, Width::Fixed(_));
    let mut width: Vec<usize> = (0..n)
        .map(|i| match specs[i].width {
            Width::Fixed(cap) => need[i].min(usize::from(cap)),
            Width::Min(min) => need[i].min(FILL_SHARE).max(usize::from(min)),
            Width::Fill => need[i].min(FILL_SHARE),
        })
        .collect();
    let sum = |w: &[usize]| w.iter().sum::<usize>();
    if sum(&width) > room {
        // Names and titles whole first, then titles, then down to the floor:
        // at each step the widest column gives first.
        let keep_titles: Vec<usize> = (0..n)
            .map(|i| match specs[i].width {
                Width::Fixed(_) => need[i].min(title[i].max(SHORT)),
                Width::Fill | Width::Min(_) => need[i].min(title[i].max(FLOOR)),
            })
            .collect();
        let keep_names: Vec<usize> = (0..n)
            .map(|i| match specs[i].cut {
                Cut::Middle => keep_titles[i].max(need[i].min(NAME_KEEP)),
                Cut::End => keep_titles[i],
            })
            .collect();
        let floor: Vec<usize> = (0..n).map(|i| need[i].min(FLOOR)).collect();
        for floor in [keep_names, keep_titles, floor] {
            shrink(&mut width, &floor, room);
        }
        return width.into_iter().map(cells).collect();
    }
    let spare = room - sum(&width);
    grow(&mut width, need, spare);
    // What is left widens the last free-text column, so the table spans the screen.
    if let Some(last) = (0..n).rfind(|&i| fill(i)) {
        width[last] += room - sum(&width);
    }
    width.into_iter().map(cells).collect()
}

fn cells(w: usize) -> u16 {
    u16::try_from(w).unwrap_or(u16::MAX)
}

/// Takes one cell at a time from the widest column still above its floor
/// (the rightmost of equals) until the widths fit in `room` or none can give.
fn shrink(width: &mut [usize], floor: &[usize], room: usize) {
    let mut total: usize = width.iter().sum();
    while total > room {
        let Some(i) = (0..width.len())
            .filter(|&i| width[i] > floor[i])
            .max_by_key(|&i| (width[i], i))
        else {
            return;
        };
        width[i] -= 1;
        total -= 1;
    }
}

/// Gives up to `spare` cells, one at a time, to the narrowest column
/// still below its need, so the cut columns come up level.
fn grow(width: &mut [usize], need: &[usize], mut spare: usize) {
    while spare > 0 {
        let Some(i) = (0..width.len())
            .filter(|&i| width[i] < need[i])
            .min_by_key(|&i| (width[i], i))
        else {
            return;
        };
        width[i] += 1;
        spare -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(w: &[Width]) -> Vec<Spec> {
        w.iter()
            .map(|&width| Spec {
                id: "c",
                title: "T",
                width,
                cut: Cut::End,
            })
            .collect()
    }

    fn total(w: &[u16]) -> usize {
        w.iter().map(|&x| usize::from(x)).sum::<usize>() + GAP * (w.len() - 1)
    }

    #[test]
    fn a_wide_column_holding_short_cells_shrinks_to_them() {
        // NAME capped at 26, STATUS at 28 for `Running`, WHY free text.
        let s = specs(&[Width::Fixed(26), Width::Fixed(28), Width::Fill]);
        let w = fit(&s, &[20, 7, 5], &[4, 6, 3], 200);
        assert_eq!(w[..2], [20, 7]);
        assert_eq!(total(&w), 200, "the free text takes the rest");
    }

    #[test]
    fn spare_room_raises_the_cut_columns_narrowest_first() {
        // A name capped at 26 needing 40, free text needing 29: both whole at 120.
        let s = specs(&[Width::Fixed(26), Width::Fixed(8), Width::Fill]);
        let w = fit(&s, &[40, 6, 29], &[4, 6, 3], 120);
        assert_eq!(w[..2], [40, 6], "{w:?}");
        assert_eq!(total(&w), 120);
        // Less room: the narrowest cut column first, then the rest come up level.
        let w = fit(&s, &[40, 12, 60], &[4, 6, 3], 80);
        assert_eq!(w, [33, 12, 33]);
    }

    #[test]
    fn short_of_room_the_widest_is_cut_first_and_titles_stay_whole() {
        let s = specs(&[Width::Fixed(26), Width::Fixed(22), Width::Fixed(8)]);
        let w = fit(&s, &[26, 22, 8], &[4, 4, 8], 40);
        assert_eq!(total(&w), 40, "{w:?}");
        assert_eq!(w[2], 8, "RESTARTS keeps its title");
        assert!(w[0].abs_diff(w[1]) <= 1, "cut to one level: {w:?}");
    }

    #[test]
    fn a_name_column_is_cut_after_the_others() {
        let mut s = specs(&[Width::Fixed(26), Width::Fixed(22), Width::Fixed(28)]);
        s[0] = s[0].middle();
        // The name needs 26, the others 22 and 28: 40 cells (38 without gaps).
        let w = fit(&s, &[26, 22, 28], &[4, 4, 6], 40);
        assert_eq!(w[0], 16, "the name keeps {NAME_KEEP}: {w:?}");
        assert_eq!(total(&w), 40);
        // Without the name policy it would be cut to the others' level.
        let plain = specs(&[Width::Fixed(26), Width::Fixed(22), Width::Fixed(28)]);
        assert!(fit(&plain, &[26, 22, 28], &[4, 4, 6], 40)[0] < 16);
    }

    #[test]
    fn a_short_cell_stays_whole_while_longer_ones_can_give() {
        // STATUS titled 6, holding `Running` (7), beside a long free text.
        let s = specs(&[Width::Fixed(28), Width::Fill]);
        let w = fit(&s, &[7, 40], &[6, 3], 20);
        assert_eq!(w[0], 7, "{w:?}");
        assert_eq!(total(&w), 20);
        // The long text is no short cell: it gives down to its title first.
        let w = fit(&s, &[7, 40], &[6, 3], 12);
        assert_eq!(w, [7, 4]);
    }

    #[test]
    fn when_titles_do_not_fit_every_column_still_gets_its_floor() {
        let s = specs(&[Width::Fixed(12); 6]);
        let w = fit(&s, &[12; 6], &[12; 6], 30);
        assert_eq!(total(&w), 30, "{w:?}");
        assert!(w.iter().all(|&x| usize::from(x) >= FLOOR), "{w:?}");
        // Narrower than the floors allow: at the floor, never zero.
        let w = fit(&s, &[12; 6], &[12; 6], 10);
        assert!(w.iter().all(|&x| usize::from(x) == FLOOR), "{w:?}");
    }

    #[test]
    fn no_columns_no_widths() {
        assert!(fit(&[], &[], &[], 80).is_empty());
    }
}

//! k9s's Shift+column-initial sort (Shift-N name, Shift-A age, Shift-S
//! status…; again reverses), and the sort each view keeps across view
//! changes.

use super::state::State;
use crate::view::arranged::ColumnId;

/// When several columns share an initial, the one k9s users mean: Shift-N
/// is NAME (not NAMESPACE or NODE), Shift-R is READY (not RESTARTS).
const PREFERRED: &[ColumnId] = &["name", "age", "status", "ready", "phase", "cpu", "mem"];

/// The column of `ids` that `letter` picks, if any.
pub fn column_for(ids: &[ColumnId], letter: char) -> Option<ColumnId> {
    let l = letter.to_ascii_lowercase();
    let starts = |id: &&ColumnId| id.starts_with(l);
    PREFERRED
        .iter()
        .find(|p| starts(p) && ids.contains(p))
        .or_else(|| ids.iter().find(starts))
        .copied()
}

/// Sorts the top view by the column `letter` picks; the same letter again
/// reverses the order. Says so when no column has that initial.
pub fn by_initial(state: &mut State, letter: char) {
    super::update::ensure_arranged(state);
    let ids: Vec<ColumnId> = state.arranged.borrow().columns.clone();
    let Some(id) = column_for(&ids, letter) else {
        let initials: String = ids
            .iter()
            .filter_map(|i| i.chars().next())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        state.flash(format!(
            "no column starting with {} here (shift + one of {initials})",
            letter.to_ascii_uppercase()
        ));
        return;
    };
    let e = state.entry_mut();
    e.sort = match e.sort {
        Some((cur, desc)) if cur == id => Some((id, !desc)),
        _ => Some((id, false)),
    };
    remember(state);
}

/// Keeps the top view's sort for the next time the view opens.
pub fn remember(state: &mut State) {
    let e = state.entry();
    let (view, sort) = (e.kind(), e.sort);
    match sort {
        Some(s) => state.sorts.insert(view, s),
        None => state.sorts.remove(&view),
    };
}

#[cfg(test)]
mod tests {
    use super::column_for;

    #[test]
    fn initials_pick_the_column_k9s_users_mean() {
        let pods = [
            "cluster",
            "namespace",
            "name",
            "ready",
            "status",
            "restarts",
            "node",
            "age",
        ];
        assert_eq!(column_for(&pods, 'N'), Some("name"));
        assert_eq!(column_for(&pods, 'A'), Some("age"));
        assert_eq!(column_for(&pods, 'S'), Some("status"));
        assert_eq!(column_for(&pods, 'R'), Some("ready"));
        assert_eq!(column_for(&pods, 'C'), Some("cluster"));
        assert_eq!(column_for(&pods, 'X'), None);
        assert_eq!(column_for(&["namespace", "node"], 'N'), Some("namespace"));
    }
}

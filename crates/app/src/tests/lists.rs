//! One list definition: its columns beside its cells, masked for masked roles, and an
//! export that leaves a trace.
use crate::lists::Open;
use crate::persons::Persons;
use crate::tests::office::{Office, REJASARI};
use sheets::Cell;

#[tokio::test]
async fn a_list_reads_masked_for_masked_roles_and_an_export_is_audited() {
    let o = Office::new().await;
    let cx = &o.cx;
    o.residents(REJASARI, 3, 1).await;
    let columns = Open::<Persons>::columns();
    let nik = columns.iter().position(|c| *c == "nik").unwrap();
    let born = columns.iter().position(|c| *c == "birth_date").unwrap();
    for (c, full) in [(&o.operator, true), (&o.auditor, false), (&o.field, false)] {
        let list = Open::<Persons>::new(cx, c, &Default::default())
            .await
            .unwrap();
        let page = list.fetch(crate::Paging::new(None, None)).await.unwrap();
        assert_eq!(page.total, 3);
        for p in page.items {
            let cells = list.cells(p);
            assert_eq!(cells.len(), columns.len(), "a cell under every column");
            let Cell::Text(n) = &cells[nik] else {
                panic!("{:?}", cells[nik])
            };
            assert_eq!(n.contains('•'), !full, "{n}");
            assert_eq!(matches!(cells[born], Cell::Empty), !full);
        }
    }
    let other = Open::<Persons>::new(cx, &o.other, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        other
            .fetch(crate::Paging::new(None, None))
            .await
            .unwrap()
            .total,
        0
    );
    let list = Open::<Persons>::new(cx, &o.auditor, &Default::default())
        .await
        .unwrap();
    list.audit_export(&o.auditor, "csv").await.unwrap();
    let trail = crate::audit::recent(cx, &o.admin, 1).await.unwrap();
    assert_eq!(
        (trail[0].action.as_str(), trail[0].username.as_str()),
        ("export", "auditor")
    );
}

//! The demo data writes its events as the API would: every organisation,
//! person, document and training material it loads has its `*.created`
//! event.

use sammen_entities::{document, event, organisation, person, training_material};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::TestApp;

#[tokio::test]
async fn the_demo_data_writes_an_event_for_every_row_it_creates() {
    let app = TestApp::spawn().await;
    let events = |kind: &'static str| {
        event::Entity::find()
            .filter(event::Column::Kind.eq(kind))
            .count(&app.db)
    };
    let organisations = organisation::Entity::find().count(&app.db).await.expect("count");
    let people = person::Entity::find().count(&app.db).await.expect("count");
    let documents = document::Entity::find().count(&app.db).await.expect("count");
    let materials = training_material::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert!(organisations > 0 && people > 0 && documents > 0 && materials > 0);
    assert_eq!(
        events("organisation.created").await.expect("count"),
        organisations
    );
    assert_eq!(events("person.created").await.expect("count"), people);
    assert_eq!(events("document.created").await.expect("count"), documents);
    assert_eq!(events("training.created").await.expect("count"), materials);
}

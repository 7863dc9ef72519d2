//! Old events are pruned; recent ones stay.

use sammen_entities::event;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::event_count;
use crate::support::TestApp;

/// Writes an event behind the API's back, `days_old` days old.
async fn insert_event(app: &TestApp, days_old: i64) -> Uuid {
    let id = Uuid::now_v7();
    event::ActiveModel {
        id: Set(id),
        kind: Set("test.inserted".to_owned()),
        subject_type: Set("Test".to_owned()),
        subject_id: Set(Uuid::now_v7()),
        project_id: Set(None),
        actor_id: Set(None),
        payload: Set(json!({ "daysOld": days_old })),
        created_at: Set(chrono::Utc::now() - chrono::Duration::days(days_old)),
    }
    .insert(&app.db)
    .await
    .expect("insert");
    id
}

#[tokio::test]
async fn old_events_are_pruned() {
    // The server prunes by itself every hour (the first time at start-up):
    // keep it from racing this test's pruning.
    let app = TestApp::spawn_with(|c| c.serve.event_retention_days = 36_500).await;
    let old = insert_event(&app, 100).await;
    let recent = insert_event(&app, 1).await;
    let before = event_count(&app).await;

    let pruned = sammen_api::events::prune(&app.db, 90).await.expect("prune");
    assert_eq!(pruned, 1);
    assert!(
        event::Entity::find_by_id(old)
            .one(&app.db)
            .await
            .expect("query")
            .is_none(),
        "the 100-day-old event is still there"
    );
    assert!(
        event::Entity::find_by_id(recent)
            .one(&app.db)
            .await
            .expect("query")
            .is_some(),
        "the day-old event was pruned"
    );
    assert_eq!(event_count(&app).await, before - 1);
}

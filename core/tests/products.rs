//! The product catalogue: seeded, added to, edited and retired by admins only, with
//! kind, unit and size frozen once stock has been received.

mod common;

use glabella_core::auth::Role;
use glabella_core::products::{self, DoseUnit, ProductForm, TreatmentKind};
use glabella_core::stock::{self, LotForm};
use glabella_core::Error;

fn filler(name: &str) -> ProductForm {
    ProductForm {
        name: name.into(),
        kind: TreatmentKind::Filler,
        unit: DoseUnit::Millilitres,
        size: 1.0,
        default_diluent_ml: None,
        dose_scale_min: None,
        dose_scale_max: None,
        gtin: String::new(),
    }
}

#[test]
fn admins_add_edit_and_retire_products_and_stocked_sizes_stay_fixed() {
    let (_dir, db) = common::temp_db();
    let admin = common::staff(&db, Role::Admin);
    let injector = common::staff(&db, Role::Injector);
    let seeded = db.read(|c| products::list_products(c, &injector)).unwrap();
    let botox = seeded.iter().find(|p| p.form.name == "Botox Cosmetic 100 U").unwrap();
    assert_eq!((botox.form.unit, botox.form.size, botox.form.default_diluent_ml), (DoseUnit::Units, 100.0, Some(2.5)));

    let added = db.write(|t| products::create_product(t, &admin, &filler(" Teosyal RHA 3 1.0 mL "))).unwrap();
    assert_eq!(added.form.name, "Teosyal RHA 3 1.0 mL");
    let again = db.write(|t| products::create_product(t, &admin, &filler("teosyal rha 3 1.0 ml")));
    assert_eq!(again.unwrap_err().to_string(), "A product with this name is already in the catalogue.");
    let forbidden = db.write(|t| products::create_product(t, &injector, &filler("Other")));
    assert!(matches!(forbidden, Err(Error::Forbidden)));

    let bad = ProductForm { unit: DoseUnit::Units, size: 0.0, gtin: "123".into(), ..filler("") };
    let Err(Error::Validation(problems)) = db.write(|t| products::create_product(t, &admin, &bad)) else {
        panic!("a bad form must be refused");
    };
    assert_eq!(problems.iter().map(|p| p.field).collect::<Vec<_>>(), ["name", "size", "unit", "gtin"]);

    let edited = db
        .write(|t| products::update_product(t, &admin, added.id, &ProductForm { size: 1.2, ..added.form.clone() }))
        .unwrap();
    assert_eq!(edited.form.size, 1.2);
    let lot = LotForm {
        product_id: Some(added.id),
        lot_number: "T1".into(),
        expiry: "2027-01-31".into(),
        quantity: 2,
        gtin: "00361234567890".into(),
    };
    db.write(|t| stock::receive_lot(t, &injector, &lot, common::today())).unwrap();
    let learnt = db.read(|c| products::get_product(c, added.id)).unwrap();
    assert_eq!(learnt.form.gtin, "00361234567890", "a scanned GTIN is remembered");
    let resized =
        db.write(|t| products::update_product(t, &admin, added.id, &ProductForm { size: 2.0, ..learnt.form.clone() }));
    assert_eq!(resized.unwrap_err().field(), Some("size"));

    let retired = db.write(|t| products::set_product_retired(t, &admin, added.id, true)).unwrap();
    assert!(retired.retired);
    let refused = db.write(|t| stock::receive_lot(t, &injector, &lot, common::today()));
    assert!(refused.unwrap_err().to_string().contains("is retired"));
    let listed = db.read(|c| products::list_products(c, &injector)).unwrap();
    assert_eq!(listed.last().unwrap().id, added.id, "retired products are listed last");
}

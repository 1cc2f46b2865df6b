/**
 * Spec sentence and section behind each error code, for error reports. Sections refer to the normative
 * DTDL specifications (DTDL.Specification.v2.md / v3.md); the sentences are quoted or abridged from them.
 */
export interface RuleRef {
  readonly section: string;
  readonly rule: string;
}

const ctx = 'Context';
const el = 'DTDL element';
const id = 'Digital Twin Model Identifier';
const lim = 'Limits and exclusions';
const lit = 'Representational literal';
const loc = 'Localizable string';
const part = 'Partitions and referenceability';

export const RULES: Readonly<Record<string, RuleRef>> = {
  notJsonObject: { section: el, rule: 'Every JSON document in a model MUST have a root value that is either an object or an array of objects.' },
  missingContext: { section: ctx, rule: 'A top-level element MUST have a "@context" member that includes the DTDL context.' },
  emptyContext: { section: ctx, rule: 'Member value MUST be a string or an array (of context specifiers).' },
  missingDtdlContext: { section: ctx, rule: 'The @context MUST include "dtmi:dtdl:context;2" or "dtmi:dtdl:context;3".' },
  dtdlContextFollowsAffiliate: { section: ctx, rule: 'The DTDL context MUST precede in the array any values that do not begin with "dtmi:dtdl:context;".' },
  missingContextVersion: { section: ctx, rule: 'Each included string value MUST conform to the DTMI syntax, and it MUST contain a version number.' },
  invalidContextSpecifier: { section: ctx, rule: 'Each included string value MUST conform to the Digital Twin Model Identifier syntax.' },
  invalidContext: { section: ctx, rule: 'If member value is an array, all elements MUST be strings.' },
  disallowedLocalContext: { section: ctx, rule: 'Local term definitions are not allowed in @context.' },
  unresolvableContextSpecifier: { section: ctx, rule: 'Other context values SHALL name a known language extension.' },
  unresolvableContextVersion: { section: ctx, rule: 'Other context values SHALL name a known version of a language extension.' },
  unrecognizedContextVersion: { section: ctx, rule: 'The DTDL context MUST name a DTDL version the parser supports (2, 3 or 4).' },
  invalidId: { section: id, rule: 'An @id MUST conform to the DTMI regular expression of the DTDL version in use.' },
  idNotString: { section: id, rule: 'It MUST be a string.' },
  idTooLong: { section: id, rule: 'Length of an identifier MUST NOT exceed 2048 characters.' },
  idTooLongForType: { section: el, rule: 'Length of an Interface "@id" value string MUST NOT exceed 128 characters.' },
  reservedId: { section: id, rule: 'When used as the value of an "@id" member, it MUST NOT begin with "dtmi:dtdl:" or "dtmi:standard:".' },
  duplicateDefinition: { section: el, rule: 'Value MUST be unique among the values of all "@id" members of all elements in the model.' },
  missingTopLevelId: { section: el, rule: 'The "@id" member is REQUIRED when the Interface element is a top-level element.' },
  missingRequiredId: { section: el, rule: 'The "@id" member is REQUIRED for elements included in Interface member "schemas".' },
  typeNotRootable: { section: part, rule: 'A top-level element MUST conform to the definition of DTDL element Interface.' },
  badType: { section: el, rule: 'The value of "@type" MUST include exactly one material class allowed for the property holding the element.' },
  multipleMaterialTypes: { section: el, rule: '"@type" MUST include exactly one material type.' },
  typeUndefinedTerm: { section: el, rule: '"@type" MUST NOT include an undefined term unless undefined extensions are allowed.' },
  typeNotDtmiNorTerm: { section: el, rule: '"@type" MUST NOT include any string that contains ":" but does not start with "dtmi:".' },
  typeInvalidDtmi: { section: el, rule: '"@type" MUST NOT include a string that starts with "dtmi:" but does not conform to DTMI syntax rules.' },
  invalidCotype: { section: el, rule: 'A co-type MUST be applicable to the material type of the element.' },
  invalidCotypeVersion: { section: el, rule: 'A co-type MUST be applicable to the DTDL version of the element.' },
  noTypeThatAllows: { section: el, rule: 'A member MUST NOT be present if the element is not informally co-typed and the member is not defined for its types.' },
  propertyUndefinedTerm: { section: el, rule: 'A member MUST NOT be present if the element is not informally co-typed and the member\'s name is an undefined term.' },
  propertyIrrelevantDtmiOrTerm: { section: el, rule: 'Except as designated by an extension in the active context, a member whose name is a DTMI or term not relevant to the element MUST NOT be present.' },
  propertyInvalidDtmi: { section: el, rule: 'A member MUST NOT be present if the member\'s name starts with "dtmi:" but does not conform to DTMI syntax rules.' },
  propertyNotDtmiNorTerm: { section: el, rule: 'A member MUST NOT be present if its name contains ":" but does not start with "dtmi:".' },
  keywordDisallowed: { section: el, rule: 'Members with names starting with "@" other than "@context", "@id", and "@type" MUST NOT be present.' },
  topLevelKeywordDisallowed: { section: el, rule: 'Members with names starting with "@" other than "@context", "@id", and "@type" MUST NOT be present.' },
  duplicatePropertyName: { section: el, rule: 'A member name MUST NOT be expressed both as a term and as its DTMI.' },
  missingLiteralProperty: { section: el, rule: 'The member is REQUIRED.' },
  missingObjectProperty: { section: el, rule: 'The member is REQUIRED.' },
  nonUniquePropertyValue: { section: el, rule: 'Names MUST be unique among the contents of an Interface, the fields of an Object, the enumValues of an Enum and the properties of a Relationship.' },
  nonUniqueImportedPropertyValue: { section: el, rule: 'Content names MUST be unique across an Interface and all Interfaces it extends.' },
  stringInvalid: { section: el, rule: 'String value MUST match regular expression ^[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?$.' },
  stringTooLong: { section: el, rule: 'String value MUST NOT exceed the length limit of the member (64 characters in DTDL v2, 512 in v3 for name).' },
  langStringValueTooLong: { section: loc, rule: 'Each string value MUST NOT exceed the length limit (displayName 64 in v2, 512 in v3; description 512).' },
  crossPartitionReference: { section: part, rule: 'A member MUST NOT include a dependent reference to any DTDL element that is not referenceable by the element that has the member.' },
  excessiveDepthWide: { section: lim, rule: 'Complex schemas MUST NOT nest more than 5 levels deep.' },
  excessiveDepthNarrow: { section: lim, rule: 'The "extends" hierarchy MUST NOT be more than 10 levels deep.' },
  recursiveStructureWide: { section: lim, rule: 'A DTDL element MUST NOT have a path to itself.' },
  recursiveStructureNarrow: { section: lim, rule: 'A DTDL element MUST NOT have a path to itself.' },
  excludedType: { section: lim, rule: 'A Component\'s Interface MUST NOT contain a Component; a DTDL v2 Property schema MUST NOT contain an Array.' },
  objectCountAboveMax: { section: lim, rule: 'The number of values of the member MUST NOT exceed its limit.' },
  objectCountBelowMin: { section: el, rule: 'The member MUST have at least the required number of values.' },
  notRequiredType: { section: el, rule: 'The referenced element MUST have the type required by the member (e.g. a numeric schema for a semantic type).' },
  wrongParent: { section: el, rule: 'The unit MUST be one of the units of the unit type of the semantic type.' },
  idReference: { section: el, rule: 'An inline definition MUST NOT consist of nothing but an "@id" member.' },
  valueObjectInvalidProp: { section: lit, rule: 'A value object MUST contain only "@value" and "@type".' },
  langMapObjKeyword: { section: loc, rule: 'A language map MUST NOT contain keywords.' },
  literalNotValid: { section: lit, rule: 'Value MUST be a representational string, integer, number or boolean.' },
  nonConformantDatatype: { section: el, rule: 'An enumValue MUST be an integer or a string as the parent Enum\'s valueSchema says.' },
};

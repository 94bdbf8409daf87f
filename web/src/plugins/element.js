// element.js - the Element Plus components the app uses, registered one by
// one so the bundle carries only those (the stylesheet is the whole theme:
// 40 KB gzip, not worth splitting). Child components (ElRadioButton,
// ElTableColumn, ...) are installed by their parent (ElRadio, ElTable): a
// production build does not warn about an unknown tag, so the browser tests
// look for leftover <el-*> elements instead.
import {
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCheckbox, ElCheckboxGroup,
  ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption,
  ElPagination, ElPopover, ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElSubMenu,
  ElLoading, ElButtonGroup, ElRadio, ElRadioGroup, ElRadioButton, ElStatistic, ElTree, ElBadge, ElProgress, ElSteps, ElStep, ElUpload, ElImage,
} from 'element-plus';
import 'element-plus/dist/index.css';

const components = [
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCheckbox, ElCheckboxGroup,
  ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem,
  ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption,
  ElPagination, ElPopover, ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElSubMenu,
  ElButtonGroup, ElRadio, ElRadioGroup, ElRadioButton, ElStatistic, ElTree, ElBadge, ElProgress, ElSteps, ElStep, ElUpload, ElImage,
];

export default {
  install(app) {
    for (const c of components) app.use(c);
    app.use(ElLoading);
  },
};
